import { describe, expect, it } from "vitest";
import { contentVariables, whatsappReplyParts } from "../../../../src/channels/whatsapp/sender.js";
import { parseWhatsAppInbound } from "../../../../src/channels/whatsapp/webhook.js";
import { TwilioSimulator } from "../../../../src/simulators/twilio/simulator.js";

const sid = `SM${"a1".repeat(16)}`;

/** The parameters Twilio posts for a WhatsApp message (the simulator builds them from Twilio's documentation). */
async function twilioParams(input: Parameters<TwilioSimulator["whatsappInboundParams"]>[0]) {
  const simulator = await TwilioSimulator.start();
  try {
    return simulator.whatsappInboundParams(input).params as Record<string, string>;
  } finally {
    await simulator.stop();
  }
}

describe("parseWhatsAppInbound", () => {
  it("reads whatsapp: addresses as E.164 numbers and the customer's ProfileName", async () => {
    const params = await twilioParams({
      from: "+15557654321",
      to: "+15550003333",
      body: "Is my order ready?",
      profileName: "  Maya\n Lopez ",
      messageSid: sid,
    });
    expect(params).toMatchObject({ From: "whatsapp:+15557654321", WaId: "15557654321" });
    expect(parseWhatsAppInbound(params)).toMatchObject({
      kind: "whatsapp",
      inboxAddress: "+15550003333",
      contactAddress: "+15557654321",
      contactName: "Maya Lopez",
      providerMessageId: sid,
      text: "Is my order ready?",
      attachments: [],
    });
  });

  it("leaves the name unknown when WhatsApp gives none, and reads media as for MMS", async () => {
    const params = await twilioParams({
      from: "+15557654321",
      to: "+15550003333",
      body: "",
      media: [
        {
          url: "http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
          contentType: "image/jpeg",
        },
      ],
    });
    const inbound = parseWhatsAppInbound(params);
    expect(inbound).toMatchObject({
      contactName: undefined,
      attachments: [{ contentType: "image/jpeg" }],
    });
  });

  it("refuses what is not a WhatsApp message, saying why", () => {
    const base = { MessageSid: sid, Body: "hi", NumMedia: "0" };
    expect(parseWhatsAppInbound({ ...base, From: "+15557654321", To: "whatsapp:+15550003333" })).toEqual({
      problem: "From is not a whatsapp: address",
    });
    expect(parseWhatsAppInbound({ ...base, From: "whatsapp:+15557654321", To: "whatsapp:hello" })).toEqual({
      problem: "To is not a WhatsApp number: whatsapp:hello",
    });
    expect(
      parseWhatsAppInbound({ ...base, MessageSid: "nope", From: "whatsapp:+1", To: "whatsapp:+1" }),
    ).toEqual({
      problem: "MessageSid is not a Twilio message sid",
    });
  });
});

describe("WhatsApp sending", () => {
  it("maps template variables to ContentVariables' numbered keys, in order", () => {
    expect(contentVariables({ id: "HX1", variables: ["Maya", "Tuesday 3pm"] })).toBe(
      '{"1":"Maya","2":"Tuesday 3pm"}',
    );
    expect(contentVariables({ id: "HX1", variables: [] })).toBeUndefined();
  });

  it("sends one file per message: the first with the text, the others after it", () => {
    expect(whatsappReplyParts("Here", ["a", "b"])).toEqual([
      { index: 0, text: "Here", media: ["a"] },
      { index: 1, text: "", media: ["b"] },
    ]);
    expect(whatsappReplyParts("", ["a"])).toEqual([{ index: 0, text: "", media: ["a"] }]);
  });
});
