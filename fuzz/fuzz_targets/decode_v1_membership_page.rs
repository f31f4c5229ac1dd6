//! `whop_models::decode::<v1::MembershipPage>` (a Current API list page, cursors included) on
//! arbitrary bytes: no panic, and a lossless round trip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use whop_fuzz::decode_and_round_trip;

fuzz_target!(|data: &[u8]| decode_and_round_trip::<whop_models::v1::MembershipPage>(data));
