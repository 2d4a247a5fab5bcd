import type { ChatMessage } from "../ports/language-model.js";

/*
 * Everything the AI model is told, in one place: docs/SECURITY.md quotes what goes in. The model drafts and
 * summarises; it never sends. Every piece of conversation text passes through `hide` (redaction) on its way in.
 */

/** One message of the conversation, as the model reads it. */
export interface TranscriptLine {
  readonly from: "Customer" | "Agent" | "Automatic reply";
  readonly text: string;
}

/** A saved reply of the channel (when the channel has them): the team's own wording to reuse. */
export interface SavedReplyText {
  readonly name: string;
  readonly text: string;
}

/** A past closed conversation like this one: what the customer asked and what the agents answered. */
export interface SimilarConversation {
  readonly customer: string;
  readonly answers: readonly string[];
}

export interface TeamState {
  /** The team's hours as they set them ("Mon-Fri 09:00-17:00 Europe/Lisbon"); null: always open. */
  readonly hours: string | null;
  readonly openNow: boolean;
  readonly awayMessage: string | null;
}

export interface DraftGrounding {
  /** The label of the channel the customer writes on, as agents know it. */
  readonly channelLabel: string;
  /** The longest draft for the channel, and why (in words for the model), when the channel says. */
  readonly maxCharacters: number;
  readonly lengthReason: string | null;
  readonly transcript: readonly TranscriptLine[];
  readonly savedReplies: readonly SavedReplyText[];
  readonly similar: readonly SimilarConversation[];
  readonly team: TeamState;
}

/** The most recent messages the model reads; older ones rarely change the next answer. */
export const transcriptLines = 20;
/** Each message is cut to this many characters: one long paste must not crowd out the rest. */
const lineCharacters = 1_000;

const draftInstructions = `You draft the next reply a customer support agent will send to a customer.
Write only the reply itself: no greeting line addressed to the agent, no quotes, no notes, no placeholders like [name].
Answer the customer's latest message, in the customer's language, briefly, politely and concretely.
Never promise anything the agents have not promised in the conversation, and never invent facts, prices or dates.
Past conversations and saved replies show how the team answers similar questions: follow their facts and tone.
Text in square brackets like [PHONE_1] or [EMAIL_1] stands for a hidden value: keep it as it is if you need it.
An agent reads your draft and decides whether to send it.`;

const summaryInstructions = `You summarize a customer support conversation for a colleague taking it over.
Answer in at most five short lines, in this order: what the customer wants; what the agents promised; what is still open.
Never invent anything that is not in the conversation.
Text in square brackets like [PHONE_1] or [EMAIL_1] stands for a hidden value: keep it as it is.`;

const clip = (text: string) => (text.length > lineCharacters ? `${text.slice(0, lineCharacters)}…` : text);

function transcriptText(lines: readonly TranscriptLine[], hide: (text: string) => string): string {
  return lines.map((line) => `${line.from}: ${hide(clip(line.text)).replace(/\s*\n\s*/g, " ")}`).join("\n");
}

function teamText(team: TeamState): string {
  const hours = team.hours ? `The team's hours: ${team.hours}.` : "The team answers at any time.";
  const now = team.openNow ? "The team is working now." : "The team is away now (outside its hours).";
  const away = team.awayMessage ? ` Its away message says: "${team.awayMessage}"` : "";
  return `${hours} ${now}${away}`;
}

export function draftPrompt(grounding: DraftGrounding, hide: (text: string) => string): ChatMessage[] {
  const sections = [
    `The customer writes by ${grounding.channelLabel}. Keep the reply under ${grounding.maxCharacters} characters${grounding.lengthReason ? ` (${grounding.lengthReason})` : ""}.`,
    teamText(grounding.team),
  ];
  if (grounding.savedReplies.length > 0) {
    sections.push(
      `Saved replies of the team:\n${grounding.savedReplies.map((reply) => `- ${reply.name}: ${hide(clip(reply.text))}`).join("\n")}`,
    );
  }
  if (grounding.similar.length > 0) {
    sections.push(
      `Similar past conversations (already closed):\n${grounding.similar
        .map(
          (past, index) =>
            `${index + 1}. Past customer message: ${hide(clip(past.customer))}\n${past.answers.map((answer) => `   Past agent answer: ${hide(clip(answer))}`).join("\n")}`,
        )
        .join("\n")}`,
    );
  }
  sections.push(`The conversation so far, oldest first:\n${transcriptText(grounding.transcript, hide)}`);
  sections.push("Draft the agent's next reply.");
  return [
    { role: "system", content: draftInstructions },
    { role: "user", content: sections.join("\n\n") },
  ];
}

export function summaryPrompt(
  transcript: readonly TranscriptLine[],
  hide: (text: string) => string,
): ChatMessage[] {
  return [
    { role: "system", content: summaryInstructions },
    {
      role: "user",
      content: `The conversation, oldest first:\n${transcriptText(transcript, hide)}\n\nSummarize it.`,
    },
  ];
}
