//! The delivery thread: one attempt after another, signed afresh, retried as Whop retries.

use super::*;

/// Delivers queued events one at a time, on a runtime of its own.
pub(super) struct DeliveryWorker {
    pub(super) endpoint: WebhookEndpoint,
    pub(super) shared: Arc<Shared>,
}

impl DeliveryWorker {
    pub(super) fn run(self, mut receiver: mpsc::UnboundedReceiver<Outgoing>) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            while let Some(outgoing) = receiver.recv().await {
                self.deliver(&outgoing).await;
                self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        });
    }

    async fn deliver(&self, outgoing: &Outgoing) {
        for attempt in 1..=1 + MAX_RETRIES {
            let headers = self.signed_headers(outgoing);
            let result = tokio::time::timeout(
                self.endpoint.attempt_timeout,
                post(&self.endpoint, headers.clone(), outgoing.body.clone()),
            )
            .await
            .unwrap_or_else(|_| Err("timed out".to_owned()));
            let record = WebhookAttempt {
                event_type: outgoing.event_type.clone(),
                membership_id: outgoing.membership_id.clone(),
                event_id: outgoing.event_id.clone(),
                attempt,
                status: result.as_ref().ok().copied(),
                error: result.err(),
                headers,
                body: outgoing.body.clone(),
            };
            let succeeded = record.succeeded();
            self.shared
                .attempts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(record);
            if succeeded {
                return;
            }
            if let Some(delay) = self.endpoint.retry_delays.get(attempt - 1) {
                tokio::time::sleep(*delay).await;
            }
        }
    }

    /// The headers of one attempt, signed with this attempt's timestamp.
    fn signed_headers(&self, outgoing: &Outgoing) -> HeaderMap {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .to_string();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.endpoint.key)
            .expect("HMAC takes keys of any length");
        match self.endpoint.scheme {
            WebhookScheme::Legacy => {
                mac.update(format!("{timestamp}.").as_bytes());
                mac.update(&outgoing.body);
                let hex: String = mac
                    .finalize()
                    .into_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let value = format!("t={timestamp},v1={hex}");
                headers.insert("x-whop-signature", ascii(&value));
            }
            WebhookScheme::Standard => {
                mac.update(format!("{}.{timestamp}.", outgoing.event_id).as_bytes());
                mac.update(&outgoing.body);
                let signature = STANDARD.encode(mac.finalize().into_bytes());
                headers.insert("webhook-id", ascii(&outgoing.event_id));
                headers.insert("webhook-timestamp", ascii(&timestamp));
                headers.insert("webhook-signature", ascii(&format!("v1,{signature}")));
            }
        }
        headers
    }
}

pub(super) fn ascii(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("IDs, digits, hex and base64 are valid header values")
}

/// One POST over a fresh HTTP/1.1 connection; the status, or why there was none.
pub(super) async fn post(
    endpoint: &WebhookEndpoint,
    headers: HeaderMap,
    body: Bytes,
) -> Result<u16, String> {
    let stream = TcpStream::connect(endpoint.addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let connection = tokio::spawn(connection);
    let mut request = Request::post(endpoint.path.as_str())
        .header(header::HOST, endpoint.authority.as_str())
        .header(header::USER_AGENT, "whop-mock")
        .body(Full::new(body))
        .map_err(|e| format!("request: {e}"))?;
    request.headers_mut().extend(headers);
    let result = sender
        .send_request(request)
        .await
        .map(|response| response.status().as_u16())
        .map_err(|e| format!("send: {e}"));
    connection.abort();
    result
}
