//! Events back to JSON, in the envelope they came in: for tests, logs and re-delivery.

use serde::Serialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use whop_models::CompanyId;

use super::{Event, LegacyEvent, LegacyPayload, ObjectKey, V1Event, V1Payload};

#[derive(Serialize)]
struct LegacyOut<'a, T: Serialize> {
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_version: Option<&'a str>,
}

#[derive(Serialize)]
struct V1Out<'a, T: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_version_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<&'a CompanyId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a CompanyId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_attributes: Option<&'a Map<String, Value>>,
}

impl LegacyEvent {
    fn serialize_with<S: serde::Serializer, T: Serialize>(
        &self,
        object: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let (data, body) = match self.object_key {
            ObjectKey::Data => (Some(object), None),
            ObjectKey::Body => (None, Some(object)),
        };
        LegacyOut {
            action: self.payload.kind(),
            data,
            body,
            company: self.company.as_deref(),
            api_version: self.api_version.as_deref(),
        }
        .serialize(serializer)
    }
}

impl<M> V1Event<M> {
    fn serialize_with<S: serde::Serializer, T: Serialize>(
        &self,
        data: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let timestamp = self
            .timestamp
            .map(|at| at.format(&Rfc3339))
            .transpose()
            .map_err(serde::ser::Error::custom)?;
        V1Out {
            id: self.id.as_deref(),
            api_version: self.api_version.as_deref(),
            api_version_date: self.api_version_date.as_deref(),
            timestamp,
            kind: self.payload.kind(),
            data,
            company_id: self.company_id.as_ref(),
            account_id: self.account_id.as_ref(),
            previous_attributes: self.previous_attributes.as_ref(),
        }
        .serialize(serializer)
    }
}

impl<M: Serialize> V1Event<M> {
    fn serialize_payload<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.payload {
            V1Payload::Unknown { data, .. } => self.serialize_with(data, serializer),
            payload => {
                let membership = payload.membership().expect("typed payloads hold one");
                self.serialize_with(membership, serializer)
            }
        }
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Legacy(event) => match &event.payload {
                LegacyPayload::Unknown { data, .. } => event.serialize_with(data, serializer),
                payload => {
                    let membership = payload.membership().expect("typed payloads hold one");
                    event.serialize_with(membership, serializer)
                }
            },
            Self::V1(event) => event.serialize_payload(serializer),
            Self::Current(event) => event.serialize_payload(serializer),
        }
    }
}
