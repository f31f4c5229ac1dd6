//! Property tests: the v1 membership and its nested objects survive value → JSON → value.

use proptest::prelude::*;
use whop_models::strategy::{
    v1_company, v1_custom_field_response, v1_membership, v1_plan, v1_product, v1_user,
};
use whop_models::{V1Membership, decode, encode};

proptest! {
    #[test]
    fn v1_membership_round_trips(membership in v1_membership()) {
        let bytes = encode(&membership).expect("encodes");
        let back: V1Membership = decode(&bytes).map_err(|e| {
            TestCaseError::fail(format!("{e}\nbody: {}", String::from_utf8_lossy(&bytes)))
        })?;
        prop_assert_eq!(back, membership);
    }

    #[test]
    fn v1_nested_objects_round_trip(
        company in v1_company(),
        plan in v1_plan(),
        product in v1_product(),
        user in v1_user(),
        answer in v1_custom_field_response(),
    ) {
        prop_assert_eq!(decode::<whop_models::V1Company>(&encode(&company).unwrap()).unwrap(), company);
        prop_assert_eq!(decode::<whop_models::V1Plan>(&encode(&plan).unwrap()).unwrap(), plan);
        prop_assert_eq!(decode::<whop_models::V1Product>(&encode(&product).unwrap()).unwrap(), product);
        prop_assert_eq!(decode::<whop_models::V1User>(&encode(&user).unwrap()).unwrap(), user);
        prop_assert_eq!(
            decode::<whop_models::V1CustomFieldResponse>(&encode(&answer).unwrap()).unwrap(),
            answer
        );
    }
}
