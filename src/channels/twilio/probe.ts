import type { TwilioClient } from "./client.js";

export type TwilioAccountCheck =
  | { readonly ok: true; readonly status: string; readonly friendlyName: string }
  | {
      readonly ok: false;
      readonly httpStatus: number | null;
      readonly code: number | null;
      readonly message: string;
    };

/** Fetches the account the credentials belong to (GET /2010-04-01/Accounts/{sid}.json): proves they work. */
export async function fetchTwilioAccount(
  client: TwilioClient,
  accountSid: string,
): Promise<TwilioAccountCheck> {
  try {
    const account = await client.api.v2010.accounts(accountSid).fetch();
    return { ok: true, status: account.status, friendlyName: account.friendlyName };
  } catch (error) {
    const failure = (typeof error === "object" && error !== null ? error : {}) as {
      status?: number;
      code?: number;
      message?: string;
    };
    return {
      ok: false,
      httpStatus: typeof failure.status === "number" ? failure.status : null,
      code: typeof failure.code === "number" ? failure.code : null,
      message: failure.message ?? String(error),
    };
  }
}
