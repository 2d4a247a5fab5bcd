/** Who is in the demo: the Slack workspace's teammates, the support channel, the inbox and its customers. */
export const supportChannel = { id: "C0SUPPORT", name: "support" } as const;

export const inboxNumber = "+15550001111";

export const teammates = [
  { id: "U0ANA", name: "ana", realName: "Ana Alves", displayName: "Ana" },
  { id: "U0BEN", name: "ben", realName: "Ben Okafor", displayName: "Ben" },
  { id: "U0CHLOE", name: "chloe", realName: "Chloé Martin", displayName: "Chloé" },
] as const;

export const customers = [
  { number: "+15557654321", name: "Maya" },
  { number: "+15553338888", name: "Leo" },
  { number: "+14155550199", name: "Priya" },
] as const;
