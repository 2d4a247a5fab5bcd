import twilio from "twilio";
import type { TwilioConfig } from "./config.js";

const twilioApiOrigin = "https://api.twilio.com";

type TwilioRequestClient = InstanceType<typeof twilio.RequestClient>;

/**
 * twilio-node has no base-URL option; `TWILIO_API_URL` (a local fake in tests, a proxy in some deployments)
 * is honoured by rewriting each request's origin in the SDK's own RequestClient. Retries are the delivery
 * queue's job, so the SDK's are off.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 15_000, autoRetry: false });
  }

  override request: TwilioRequestClient["request"] = (options) => {
    const url = new URL(options.uri);
    return super.request({ ...options, uri: `${this.baseUrl}${url.pathname}${url.search}` });
  };
}

export type TwilioClient = ReturnType<typeof twilio>;

export function createTwilioClient(config: TwilioConfig): TwilioClient {
  const httpClient =
    config.apiUrl === twilioApiOrigin
      ? new twilio.RequestClient({ timeout: 15_000, autoRetry: false })
      : new BaseUrlRequestClient(config.apiUrl);
  return twilio(config.accountSid, config.authToken, { httpClient });
}
