//! Products.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::{
    company_id, expandable, experience_id, opt_text, opt_timestamp, plan_id, product_id, visibility,
};
use crate::{Expandable, Product};

/// An expanded product.
pub fn product() -> BoxedStrategy<Product> {
    product_fields().boxed()
}

prop_compose! {
    fn product_fields()(
        id in product_id(),
        title in opt_text(),
        name in opt_text(),
        visibility in option::of(visibility()),
        created_at in opt_timestamp(),
        company_id in option::of(company_id()),
        experiences in option::of(vec(experience_id(), 0..3)),
        plans in option::of(vec(plan_id(), 0..3)),
    ) -> Product {
        Product {
            id,
            title,
            name,
            visibility,
            created_at,
            company_id,
            experiences,
            plans,
        }
    }
}

/// A product ID or an expanded product.
pub fn expandable_product() -> BoxedStrategy<Expandable<Product>> {
    expandable(product_id(), product()).boxed()
}
