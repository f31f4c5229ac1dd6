//! Error bodies of every API version.

use proptest::option;
use proptest::prelude::*;

use super::{opt_text, text};
use crate::{ErrorBody, ErrorCode, V2Error, V2ErrorBody, V5ErrorBody};

/// A v2 error code: an integer or a string.
pub fn error_code() -> impl Strategy<Value = ErrorCode> {
    prop_oneof![
        (100i64..600).prop_map(ErrorCode::Number),
        any::<i64>().prop_map(ErrorCode::Number),
        text().prop_map(ErrorCode::Text),
    ]
}

prop_compose! {
    /// A v2 error body, with `status`, `code`, both or neither.
    pub fn v2_error_body()(
        status in option::of(error_code()),
        code in option::of(error_code()),
        message in opt_text(),
    ) -> V2ErrorBody {
        V2ErrorBody { error: V2Error { status, code, message } }
    }
}

/// A v5 error body.
pub fn v5_error_body() -> impl Strategy<Value = V5ErrorBody> {
    opt_text().prop_map(|message| V5ErrorBody { message })
}

/// An error body that [`ErrorBody::parse`] recognises (a v5 body needs its message for that,
/// a Current API one its `type`).
pub fn error_body() -> impl Strategy<Value = ErrorBody> {
    prop_oneof![
        (super::v1::error(), "[a-z][a-z_]{0,23}").prop_map(|(mut error, error_type)| {
            error.r#type = Some(error_type);
            ErrorBody::V1(crate::v1::ErrorBody { error })
        }),
        v2_error_body().prop_map(ErrorBody::V2),
        text().prop_map(|m| ErrorBody::V5(V5ErrorBody { message: Some(m) })),
    ]
}
