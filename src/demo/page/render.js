// Renders Slack's message formats (mrkdwn text and Block Kit blocks) the way the Slack client shows them.

// The few emoji Threadline uses, drawn as SVG so they look the same on machines without an emoji font.
const drawn = {
  white_check_mark:
    '<rect x="1" y="1" width="14" height="14" rx="3" fill="#3fb34f"/><path d="M4.2 8.3l2.4 2.4 5-5.2" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/>',
  x: '<path d="M3.5 3.5l9 9M12.5 3.5l-9 9" stroke="#dd2e44" stroke-width="3" stroke-linecap="round"/>',
  large_green_circle: '<circle cx="8" cy="8" r="6.5" fill="#2eb67d"/>',
  no_entry_sign:
    '<circle cx="8" cy="8" r="6" fill="none" stroke="#dd2e44" stroke-width="2.2"/><path d="M3.8 3.8l8.4 8.4" stroke="#dd2e44" stroke-width="2.2"/>',
  eyes: '<ellipse cx="5" cy="8" rx="3.4" ry="5" fill="#fff" stroke="#555" stroke-width=".8"/><ellipse cx="11" cy="8" rx="3.4" ry="5" fill="#fff" stroke="#555" stroke-width=".8"/><circle cx="6" cy="9" r="1.7" fill="#292f33"/><circle cx="12" cy="9" r="1.7" fill="#292f33"/>',
  alarm_clock:
    '<circle cx="8" cy="9" r="5.6" fill="#fff" stroke="#dd2e44" stroke-width="1.6"/><path d="M8 5.8V9l2.2 1.4" stroke="#292f33" stroke-width="1.3" fill="none" stroke-linecap="round"/><path d="M2.2 4.2l2.3-2M13.8 4.2l-2.3-2" stroke="#dd2e44" stroke-width="1.6" stroke-linecap="round"/>',
  warning:
    '<path d="M8 1.5l7 12.5H1z" fill="#ffcc4d" stroke="#e0a800" stroke-width=".8" stroke-linejoin="round"/><path d="M8 6v4" stroke="#292f33" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="12" r=".9" fill="#292f33"/>',
};

const characters = {
  "✅": "white_check_mark",
  "❌": "x",
  "🟢": "large_green_circle",
  "🚫": "no_entry_sign",
  "👀": "eyes",
  "⏰": "alarm_clock",
  "⚠": "warning",
};
const typed = { "+1": "👍", wave: "👋", tada: "🎉", paperclip: "📎" };

export function emojiFor(name) {
  if (drawn[name])
    return `<svg class="emoji" viewBox="0 0 16 16" role="img" aria-label="${name}">${drawn[name]}</svg>`;
  return typed[name] ?? `:${name}:`;
}

/** Known emoji characters in escaped text, drawn. */
function drawEmoji(html) {
  return html.replace(/(✅|❌|🟢|🚫|👀|⏰|⚠)\uFE0F?/gu, (_whole, char) => emojiFor(characters[char]));
}

export function escapeHtml(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Slack escapes only these three in message text. */
function unescapeSlack(text) {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

export function timeOf(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

function slackDate(seconds) {
  const date = new Date(seconds * 1000);
  const today = new Date().toDateString() === date.toDateString();
  const day = today ? "today" : date.toLocaleDateString([], { month: "short", day: "numeric" });
  return `${day} at ${timeOf(seconds)}`;
}

/** One `<…>` token: a mention, a date, a channel, or a link. */
function token(inner, names) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(names[id] ?? label ?? id)}</span>`;
  }
  if (target.startsWith("#"))
    return `<span class="mention">#${escapeHtml(label ?? names[target.slice(1)] ?? target.slice(1))}</span>`;
  if (target.startsWith("!date^")) return escapeHtml(slackDate(Number(target.split("^")[1])));
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const href = unescapeSlack(target);
  if (!/^https?:\/\//.test(href)) return escapeHtml(unescapeSlack(label ?? target));
  // A link's label may be formatted (`<url|*bold*>`), as Slack shows it.
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${inline(escapeHtml(unescapeSlack(label ?? target)))}</a>`;
}

/** Bold, italic, strike and code inside one line of already-escaped text. */
function inline(html) {
  return html
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?:;])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;])/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => (drawn[name] || typed[name] ? emojiFor(name) : whole));
}

/** Slack's mrkdwn as HTML: tokens first (they may hold `*` or `_`), then formatting, quotes and lines. */
export function mrkdwn(text, names) {
  const tokens = [];
  const parts = String(text).split(/<([^<>]+)>/);
  let joined = "";
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      tokens.push(token(part, names));
      joined += `\uE000${tokens.length - 1}\uE000`;
    } else {
      joined += escapeHtml(unescapeSlack(part));
    }
  });
  const blocks = joined.split(/```/);
  const html = blocks
    .map((block, index) => {
      if (index % 2 === 1) return `<pre>${block.replace(/^\n/, "")}</pre>`;
      return block
        .split("\n")
        .map((line) =>
          // Slack quotes a line that starts with `>`, with or without a space after it.
          line.startsWith("&gt;")
            ? `<blockquote>${inline(line.replace(/^&gt; ?/, ""))}</blockquote>`
            : inline(line),
        )
        .join("<br>")
        .replaceAll("</blockquote><br>", "</blockquote>");
    })
    .join("");
  return drawEmoji(html).replace(/\uE000(\d+)\uE000/g, (_whole, index) => tokens[Number(index)]);
}

function textObject(object, names) {
  if (!object) return "";
  return object.type === "mrkdwn" ? mrkdwn(object.text, names) : escapeHtml(object.text);
}

function richText(block) {
  const section = (elements) =>
    elements
      .map((element) => {
        if (element.type === "text") {
          let html = escapeHtml(element.text).replaceAll("\n", "<br>");
          if (element.style?.bold) html = `<b>${html}</b>`;
          if (element.style?.italic) html = `<i>${html}</i>`;
          if (element.style?.code) html = `<code>${html}</code>`;
          return html;
        }
        if (element.type === "link") return escapeHtml(element.text ?? element.url);
        if (element.type === "emoji") return emojiFor(element.name);
        return "";
      })
      .join("");
  return block.elements.map((element) => `<div>${section(element.elements ?? [])}</div>`).join("");
}

/**
 * An element of an actions block: buttons carry their action id for the click handler; an external select
 * opens the options menu the app supplies.
 */
function element(item, context) {
  const data = `data-action-id="${escapeHtml(item.action_id)}" data-message-ts="${escapeHtml(context.ts)}"${
    context.ephemeral ? ' data-ephemeral="1"' : ""
  }`;
  if (item.type === "button") {
    const style = item.style ? ` button-${escapeHtml(item.style)}` : "";
    return `<button type="button" class="block-button${style}" ${data}>${escapeHtml(item.text?.text ?? "")}</button>`;
  }
  if (item.type === "external_select" || item.type === "static_select" || item.type === "users_select") {
    // Slack shows the chosen option (initial_option), else the placeholder.
    const chosen = item.initial_option?.text?.text;
    return `<span class="block-select-wrap"><button type="button" class="block-select${chosen ? " chosen" : ""}" ${data}>${escapeHtml(
      chosen ?? item.placeholder?.text ?? "Select",
    )}<span class="caret" aria-hidden="true"></span></button></span>`;
  }
  if (item.type === "overflow") {
    const options = (item.options ?? []).map((option) => ({ value: option.value, text: option.text.text }));
    return `<button type="button" class="block-overflow" ${data} data-options="${escapeHtml(
      JSON.stringify(options),
    )}" aria-label="More actions">⋯</button>`;
  }
  return "";
}

/** Block Kit blocks as Slack lays them out in a message. */
export function blocks(list, context) {
  const { names } = context;
  return list
    .map((block) => {
      switch (block.type) {
        case "header":
          return `<div class="block-header">${escapeHtml(block.text?.text ?? "")}</div>`;
        case "section": {
          const body = `<div class="block-text">${textObject(block.text, names)}</div>`;
          const fields = (block.fields ?? [])
            .map((field) => `<div>${textObject(field, names)}</div>`)
            .join("");
          const accessory =
            block.accessory?.type === "image"
              ? `<img class="block-accessory" alt="${escapeHtml(block.accessory.alt_text ?? "")}" src="${escapeHtml(
                  block.accessory.image_url,
                )}">`
              : block.accessory
                ? element(block.accessory, context)
                : "";
          return `<div class="block-section">${body}${fields ? `<div class="block-fields">${fields}</div>` : ""}${accessory}</div>`;
        }
        case "context":
          return `<div class="block-context">${(block.elements ?? [])
            .map((item) => (item.type === "image" ? "" : `<span>${textObject(item, names)}</span>`))
            .join("")}</div>`;
        case "actions":
          return `<div class="block-actions">${(block.elements ?? []).map((item) => element(item, context)).join("")}</div>`;
        case "divider":
          return '<hr class="block-divider">';
        case "rich_text":
          return `<div class="block-rich">${richText(block)}</div>`;
        default:
          return "";
      }
    })
    .join("");
}
