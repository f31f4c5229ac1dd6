//! The product a membership grants access to.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::expandable::Object;
use crate::string_enum::string_enum;
use crate::{CompanyId, ExperienceId, PlanId, ProductId, UnixSeconds};

string_enum! {
    /// Who can see a product or plan on Whop.
    Visibility {
        /// Listed publicly.
        Visible => "visible",
        /// Not listed; reachable by direct link.
        Hidden => "hidden",
        /// Retired; kept for existing members.
        Archived => "archived",
        /// Only reachable through a quick checkout link.
        QuickLink => "quick_link",
    }
}

/// Something a company sells on Whop: a bundle of experiences sold under one or more plans.
///
/// Sent in place of a product ID when the request asks to expand `product` (and, for the
/// deprecated `access_pass` key, whenever `product` is expanded). Only `id` is required;
/// everything else is `None` when the API omits it or sends `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// The product's ID (`prod_…` or, for older products, `pass_…`).
    pub id: ProductId,
    /// The product's title as shown to buyers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The product's name (older bodies use this instead of `title`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who can see the product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// When the product was created.
    #[serde(
        default,
        with = "serde_with::As::<Option<UnixSeconds>>",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The company selling the product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// The experiences (content, apps) the product unlocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiences: Option<Vec<ExperienceId>>,
    /// The product's publicly listed plans (Whop sends at most ten).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plans: Option<Vec<PlanId>>,
}

impl Product {
    /// A product with only its ID set, as a starting point for tests and builders.
    pub fn with_id(id: ProductId) -> Self {
        Self {
            id,
            title: None,
            name: None,
            visibility: None,
            created_at: None,
            company_id: None,
            experiences: None,
            plans: None,
        }
    }

    /// The name to show: the title, or failing that the name.
    pub fn display_name(&self) -> Option<&str> {
        self.title.as_deref().or(self.name.as_deref())
    }
}

impl Object for Product {
    type Id = ProductId;
    const NAME: &'static str = "Product";

    fn id(&self) -> &ProductId {
        &self.id
    }
}
