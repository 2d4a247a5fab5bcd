/** What Twilio delivers to phones as MMS (Twilio's "supported" types); other types arrive as links or not at all. */
export const mmsContentTypes = ["image/jpeg", "image/jpg", "image/png", "image/gif"];
export const maxMmsBytes = 5 * 1024 * 1024;

/**
 * Twilio's default opt-out handling (long codes and toll-free): a message consisting of one of these words,
 * in any case, blocks further messages; START, UNSTOP or YES lifts the block. Twilio still forwards them.
 */
export const smsOptOutWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
export const smsOptInWords = ["START", "UNSTOP", "YES"];
