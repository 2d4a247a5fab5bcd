/** Who is in the demo: the Slack workspace's teammates, the support channel, the inbox and its customers. */
export const supportChannel = { id: "C0SUPPORT", name: "support" } as const;

export const inboxNumber = "+15550001111";

export const teammates = [
  { id: "U0ANA", name: "ana", realName: "Ana Alves", displayName: "Ana" },
  { id: "U0BEN", name: "ben", realName: "Ben Okafor", displayName: "Ben" },
  { id: "U0CHLOE", name: "chloe", realName: "Chloé Martin", displayName: "Chloé" },
] as const;

/** Customers by their address: a phone number for SMS, an Instagram-scoped id (IGSID) for Instagram. */
export const customers = [
  { number: "+15557654321", name: "Maya", channel: "sms" },
  { number: "+15553338888", name: "Leo", channel: "sms" },
  { number: "+14155550199", name: "Priya", channel: "sms" },
  { number: "9000000000004321", name: "Sofia", channel: "instagram" },
] as const;

/** The Instagram professional account the demo connects, and what Instagram's profile API says of Sofia. */
export const instagramAccount = { id: "17841400000000001", username: "acme.support" } as const;
export const instagramProfiles = {
  "9000000000004321": { name: "Sofia Rossi", username: "sofia.bakes" },
} as const;
