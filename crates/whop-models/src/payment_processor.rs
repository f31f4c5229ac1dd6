//! The payment processor behind a membership.

use crate::string_enum::string_enum;

string_enum! {
    /// Who took the money for a membership.
    ///
    /// Whop lists more processors in its spec than on its docs page and keeps adding them; any
    /// value not listed here arrives as [`PaymentProcessor::Unknown`].
    PaymentProcessor {
        /// No payment: a free plan.
        Free => "free",
        /// Card payments through Stripe.
        Stripe => "stripe",
        /// Crypto payments through Coinbase Commerce.
        Coinbase => "coinbase",
        /// Crypto paid straight to Whop's contracts.
        Crypto => "crypto",
        /// PayPal.
        Paypal => "paypal",
        /// Apple in-app purchase.
        Apple => "apple",
        /// Whop's routing across several processors.
        MultiPsp => "multi_psp",
        /// Sezzle buy-now-pay-later.
        Sezzle => "sezzle",
        /// Splitit instalments.
        Splitit => "splitit",
        /// Paid from the customer's Whop balance.
        PlatformBalance => "platform_balance",
    }
}

impl PaymentProcessor {
    /// Whether the membership was paid for at all (anything but `free`).
    pub fn is_paid(&self) -> bool {
        !matches!(self, Self::Free)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_processors_are_known() {
        for wire in ["multi_psp", "sezzle", "splitit", "platform_balance"] {
            assert!(!PaymentProcessor::from(wire).is_unknown(), "{wire}");
        }
    }

    #[test]
    fn unknown_processor_round_trips_unchanged() {
        let p: PaymentProcessor = serde_json::from_str("\"klarna\"").unwrap();
        assert_eq!(p.as_str(), "klarna");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"klarna\"");
    }
}
