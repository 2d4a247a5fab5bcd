import type { TranscriptAttachment, TranscriptEvent, TranscriptMessage, TranscriptView } from "./view.js";

const htmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** For text and for quoted attribute values alike: customer and agent text never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] as string);
}

function when(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}

const statusWords: Record<string, string> = {
  received: "received",
  pending: "sending…",
  queued: "sent to the carrier",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  undelivered: "not delivered",
  not_sent: "not sent",
};

/** Where the page links a message's file (through Threadline, signed like the page). */
export type AttachmentLink = (file: TranscriptAttachment) => string;

function attachment(file: TranscriptAttachment, linkOf: AttachmentLink): string {
  const label = escapeHtml(file.label);
  if (!file.fetchable) return `<span class="file">📎 ${label}</span>`;
  const url = escapeHtml(linkOf(file));
  return file.isImage
    ? `<a class="image" href="${url}"><img src="${url}" alt="${label}" loading="lazy"></a>`
    : `<a class="file" href="${url}">📎 ${label}</a>`;
}

function message(item: TranscriptMessage, linkOf: AttachmentLink): string {
  const failed = ["failed", "undelivered", "not_sent"].includes(item.status);
  const status = `<span class="status${failed ? " bad" : ""}">${escapeHtml(statusWords[item.status] ?? item.status)}${
    item.error ? `: ${escapeHtml(item.error)}` : ""
  }</span>`;
  const body = item.body ? `<p class="body">${escapeHtml(item.body)}</p>` : "";
  const files = item.attachments.length
    ? `<div class="files">${item.attachments.map((file) => attachment(file, linkOf)).join("")}</div>`
    : "";
  return `<li class="msg ${item.direction}">
<div class="meta"><span class="author">${escapeHtml(item.author)}</span> · ${when(item.at)} · ${status}</div>
${body}${files}
</li>`;
}

function event(item: TranscriptEvent): string {
  return `<li class="event">⏱️ ${escapeHtml(item.text)} · ${when(item.at)}</li>`;
}

/** Messages in their order, each event placed before the first message that came after it. */
function timeline(view: TranscriptView, linkOf: AttachmentLink): string[] {
  const events = [...view.events].sort((a, b) => a.at.getTime() - b.at.getTime());
  const items: string[] = [];
  for (const item of view.messages) {
    while (events[0] && events[0].at <= item.at) items.push(event(events.shift() as TranscriptEvent));
    items.push(message(item, linkOf));
  }
  return [...items, ...events.map(event)];
}

const styles = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#f4f4f5}
main{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:1.3rem;margin:0 0 12px;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0 0 16px;padding:12px;background:#fff;border-radius:8px;border:1px solid #e3e3e6}
dt{color:#616061}dd{margin:0;overflow-wrap:anywhere}
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
.msg{max-width:85%;padding:8px 12px;border-radius:12px;background:#fff;border:1px solid #e3e3e6}
.msg.out{align-self:flex-end;background:#e8f1fb;border-color:#c9dcf2}
.meta{font-size:.8rem;color:#616061}
.author{font-weight:600;color:#1d1c1d}
.body{margin:4px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.status.bad{color:#b42318;font-weight:600}
.files{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.files img{display:block;max-width:100%;max-height:320px;border-radius:8px}
.file{overflow-wrap:anywhere}
.empty{color:#616061}
.event{align-self:center;font-size:.85rem;color:#616061;text-align:center}
.badge{display:inline-block;padding:0 8px;border-radius:10px;background:#d1fadf;color:#05603a;font-size:.85rem}
.badge.closed{background:#e4e4e7;color:#3f3f46}
.warn{color:#b42318}
@media (max-width:480px){main{padding:10px}.msg{max-width:100%}}
`;

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body><main>
${content}
</main></body>
</html>
`;
}

export function renderTranscript(view: TranscriptView, linkOf: AttachmentLink): string {
  const status =
    view.status === "closed"
      ? `<span class="badge closed">Closed</span>${view.closedBy ? ` by ${escapeHtml(view.closedBy)}` : ""}${view.closedAt ? ` · ${when(view.closedAt)}` : ""}`
      : `<span class="badge">Open</span>`;
  const details = [
    [
      "Contact",
      `${escapeHtml(view.contact)}${view.contact === view.contactAddress ? "" : ` (${escapeHtml(view.contactAddress)})`}${view.optedOut ? ' <span class="warn">· opted out</span>' : ""}`,
    ],
    ["Channel", escapeHtml(view.channelLabel)],
    ["Inbox", escapeHtml(view.inbox)],
    ["Status", status],
    ["Assignee", view.assignee ? escapeHtml(view.assignee) : "Unassigned"],
    ["Messages", String(view.messages.length)],
  ]
    .map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`)
    .join("");
  const messages =
    view.messages.length > 0
      ? `<ol>${timeline(view, linkOf).join("\n")}</ol>`
      : '<p class="empty">No messages yet.</p>';
  return page(view.title, `<h1>${escapeHtml(view.title)}</h1>\n<dl>${details}</dl>\n${messages}`);
}

/** The answer to a refused or unknown link: the same words whatever the reason, so it tells nothing. */
export function renderNotice(title: string, text: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}
