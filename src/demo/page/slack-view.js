import { blocks, emojiFor, escapeHtml, mrkdwn, timeOf } from "./render.js";
import { $, avatar, customerNamed, state } from "./state.js";

// ---- Slack ----

function authorOf(message) {
  const { names, botUserId } = state.snapshot;
  if (message.user !== botUserId)
    return { name: names[message.user] ?? message.user, face: null, isApp: false };
  if (!message.username) return { name: names[botUserId] ?? "Threadline", face: null, isApp: true };
  // A customer's message, posted by the app under the customer's name.
  return {
    name: message.username,
    face: customerNamed(message.username)?.name ?? message.username,
    isApp: true,
  };
}

function messageBody(message, context) {
  const content =
    message.blocks.length > 0 && message.blocks[0].type !== "rich_text"
      ? blocks(message.blocks, context)
      : `<div class="text">${mrkdwn(message.text, state.snapshot.names)}${
          message.edited ? ' <span class="edited">(edited)</span>' : ""
        }</div>`;
  const files = message.files
    .map((file) =>
      file.mimetype.startsWith("image/")
        ? `<a class="file-image" href="${escapeHtml(file.url)}" target="_blank" rel="noopener"><img src="${escapeHtml(
            file.url,
          )}" alt="${escapeHtml(file.name)}"></a>`
        : `<a class="file-chip" href="${escapeHtml(file.url)}" target="_blank" rel="noopener">📄 ${escapeHtml(file.name)}</a>`,
    )
    .join("");
  const reactions = message.reactions.length
    ? `<div class="reactions">${message.reactions.map((reaction) => reactionPill(reaction, message.ts)).join("")}</div>`
    : "";
  return content + files + reactions;
}

/** The reactions people can add here: Threadline's triage pair (👀 takes a conversation, ✅ closes it). */
const triage = ["eyes", "white_check_mark"];

function reactionPill(reaction, ts) {
  const mine = reaction.users.includes(state.me);
  const body = `${emojiFor(reaction.name)} <b>${reaction.users.length}</b>`;
  if (!triage.includes(reaction.name)) return `<span class="reaction">${body}</span>`;
  return `<button type="button" class="reaction${mine ? " mine" : ""}" data-react="${reaction.name}" data-ts="${escapeHtml(
    ts,
  )}" aria-pressed="${mine}">${body}</button>`;
}

/** Slack's hover bar: add one of the triage reactions. */
function reactionTools(ts) {
  return `<div class="message-tools">${triage
    .map(
      (name) =>
        `<button type="button" class="tool" data-react="${name}" data-ts="${escapeHtml(ts)}" title="React with :${name}:">${emojiFor(
          name,
        )}</button>`,
    )
    .join("")}</div>`;
}

function messageRow(message, { inThread = false } = {}) {
  const author = authorOf(message);
  const isNote = /^\s*(>\s*)?[*_]?note[*_]?:/i.test(message.text) && !author.isApp;
  const context = { names: state.snapshot.names, ts: message.ts };
  const replies = !inThread && message.replies.length > 0 ? repliesBar(message) : "";
  return `<div class="message${isNote ? " note" : ""}" data-ts="${escapeHtml(message.ts)}">${reactionTools(message.ts)}${avatar(
    author.face ?? author.name,
    author.isApp && !author.face,
  )}<div class="message-main"><div class="message-head"><b class="author">${escapeHtml(author.name)}</b>${
    author.isApp ? '<span class="app-badge">APP</span>' : ""
  }${isNote ? '<span class="note-badge">internal note</span>' : ""}<time>${timeOf(Number(message.ts))}</time></div>${messageBody(
    message,
    context,
  )}${replies}</div></div>`;
}

function repliesBar(message) {
  const people = [
    ...new Set(
      message.replies
        .map((reply) => authorOf(reply))
        .map((author) => (author.isApp && !author.face ? "" : (author.face ?? author.name))),
    ),
  ].slice(0, 4);
  const last = message.replies.at(-1);
  const count = message.replies.length;
  return `<button type="button" class="replies-bar" data-open-thread="${escapeHtml(message.ts)}">${people
    .map((name) => avatar(name, name === ""))
    .join(
      "",
    )}<span class="replies-count">${count} ${count === 1 ? "reply" : "replies"}</span><span class="replies-last">Last reply ${timeOf(
    Number(last.ts),
  )}</span></button>`;
}

function ephemeralRow(ephemeral) {
  const context = { names: state.snapshot.names, ts: ephemeral.ts, ephemeral: true };
  const body = ephemeral.blocks.length
    ? blocks(ephemeral.blocks, context)
    : `<div class="text">${mrkdwn(ephemeral.text, state.snapshot.names)}</div>`;
  return `<div class="message ephemeral">${avatar("Threadline", true)}<div class="message-main"><div class="message-head"><b class="author">Threadline</b><span class="app-badge">APP</span><time>${timeOf(
    Number(ephemeral.ts),
  )}</time></div>${body}<div class="only-you">Only visible to you</div></div></div>`;
}

// A list that was scrolled to its end stays there as messages arrive and pictures load, as Slack's does; one
// the person scrolled up in stays where they put it, unless an answer to what they did arrives.
const stuckToEnd = new WeakMap();

export function followEnd(list) {
  stuckToEnd.set(list, true);
  list.addEventListener("scroll", () =>
    stuckToEnd.set(list, list.scrollHeight - list.scrollTop - list.clientHeight < 60),
  );
  // Pictures load after the list is drawn and push its end down without any scroll event.
  list.addEventListener(
    "load",
    () => {
      if (stuckToEnd.get(list)) list.scrollTop = list.scrollHeight;
    },
    true,
  );
}

function keepScrolledDown(list, render, { toEnd = false } = {}) {
  const before = list.scrollTop;
  render();
  if (toEnd) stuckToEnd.set(list, true);
  list.scrollTop = stuckToEnd.get(list) ? list.scrollHeight : before;
}

/** Ephemeral answers already drawn, so a new one (the answer to something the viewer did) is scrolled to. */
const seenEphemerals = new Set();

function anyNew(ephemerals) {
  const fresh = ephemerals.filter((ephemeral) => !seenEphemerals.has(ephemeral.ts));
  for (const ephemeral of fresh) seenEphemerals.add(ephemeral.ts);
  return fresh.length > 0;
}

export function renderChannel() {
  const { messages, ephemerals } = state.snapshot;
  const mine = ephemerals.filter((ephemeral) => ephemeral.user === state.me && !ephemeral.threadTs);
  const rows = [
    ...messages.map((message) => ({ ts: Number(message.ts), html: messageRow(message) })),
    ...mine.map((ephemeral) => ({ ts: Number(ephemeral.ts), html: ephemeralRow(ephemeral) })),
  ].sort((a, b) => a.ts - b.ts);
  const list = $("channel-messages");
  keepScrolledDown(
    list,
    () => {
      list.innerHTML =
        rows.length === 0
          ? '<div class="channel-empty">No conversations yet. Send a text from the phone.</div>'
          : rows.map((row) => row.html).join("");
    },
    { toEnd: anyNew(mine) },
  );
}

export function renderThread() {
  const pane = $("thread");
  const parent = state.snapshot.messages.find((message) => message.ts === state.openThread);
  pane.hidden = !parent;
  if (!parent) {
    delete $("thread-messages").dataset.parent;
    return;
  }
  const ephemerals = state.snapshot.ephemerals.filter(
    (ephemeral) => ephemeral.user === state.me && ephemeral.threadTs === parent.ts,
  );
  const rows = [
    ...parent.replies.map((reply) => ({ ts: Number(reply.ts), html: messageRow(reply, { inThread: true }) })),
    ...ephemerals.map((ephemeral) => ({ ts: Number(ephemeral.ts), html: ephemeralRow(ephemeral) })),
  ].sort((a, b) => a.ts - b.ts);
  const count = parent.replies.length;
  const list = $("thread-messages");
  const opened = list.dataset.parent !== parent.ts;
  list.dataset.parent = parent.ts;
  keepScrolledDown(
    list,
    () => {
      list.innerHTML = `${messageRow(parent, { inThread: true })}<div class="thread-divider"><span>${count} ${
        count === 1 ? "reply" : "replies"
      }</span></div>${rows.map((row) => row.html).join("")}`;
    },
    { toEnd: anyNew(ephemerals) || opened },
  );
}

export function renderHome() {
  const home = $("home");
  const showing = state.view === "home";
  home.hidden = !showing;
  $("channel").hidden = showing;
  $("channel-name").classList.toggle("active", !showing);
  $("open-home").classList.toggle("active", showing);
  if (!showing) return;
  const published = state.snapshot.homes[state.me];
  $("home-body").innerHTML = published
    ? blocks(published, { names: state.snapshot.names, ts: "" })
    : '<div class="channel-empty">Opening Home…</div>';
}
