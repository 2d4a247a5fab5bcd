import { blocks, emojiFor, escapeHtml, mrkdwn, timeOf } from "./render.js";

const $ = (id) => document.getElementById(id);

const state = {
  snapshot: null,
  me: localStorage.getItem("threadline-demo.me"),
  customer: null,
  picture: null,
  openThread: null,
  menu: null,
  /** "channel" or "home" (Threadline's Home tab). */
  view: "channel",
  /** Per customer, how many of the business's texts they have seen on their phone (the rest are unread). */
  seen: {},
};

function formatNumber(number) {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return match ? `+1 (${match[1]}) ${match[2]}-${match[3]}` : number;
}

function hue(text) {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}

function initials(name) {
  const words = name
    .replace(/[^\p{L}\p{N} ]/gu, " ")
    .trim()
    .split(/\s+/);
  return (words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? "?").slice(0, 2)).toUpperCase();
}

function avatar(name, isApp) {
  if (isApp) return '<div class="avatar app" aria-hidden="true">T</div>';
  return `<div class="avatar" style="background:hsl(${hue(name)} 45% 42%)" aria-hidden="true">${escapeHtml(
    initials(name),
  )}</div>`;
}

/** The demo customer a name such as "+1 555 765 4321" stands for, so their avatar matches the phone's. */
function customerNamed(name) {
  const digits = name.replace(/\D/g, "");
  return state.snapshot.customers.find((customer) => customer.number.replace(/\D/g, "") === digits);
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    toast(answer.error ?? `The demo answered ${response.status}`);
    throw new Error(answer.error ?? String(response.status));
  }
  return answer;
}

let toastTimer;
function toast(message) {
  const element = $("toast");
  element.textContent = message;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    element.hidden = true;
  }, 4000);
}

// ---- the phone ----

function renderCustomers() {
  const { customers, phones } = state.snapshot;
  $("customers").innerHTML = customers
    .map((customer) => {
      const received = (phones[customer.number] ?? []).filter((text) => text.direction === "out").length;
      const selected = customer.number === state.customer;
      if (selected) state.seen[customer.number] = received;
      const count = received - (state.seen[customer.number] ?? 0);
      return `<button type="button" role="tab" aria-selected="${selected}" class="customer${
        selected ? " selected" : ""
      }" data-number="${escapeHtml(customer.number)}" title="${escapeHtml(formatNumber(customer.number))}">${avatar(
        customer.name,
      )}<b>${escapeHtml(customer.name)}</b>${
        count > 0 ? `<span class="count" aria-label="${count} unread">${count}</span>` : ""
      }</button>`;
    })
    .join("");
}

function renderPhone() {
  const messages = state.snapshot.phones[state.customer] ?? [];
  const list = $("phone-messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (messages.length === 0) {
    list.innerHTML = `<div class="phone-empty">Text Acme Support as ${escapeHtml(
      state.snapshot.customers.find((c) => c.number === state.customer)?.name ?? "a customer",
    )}.<br>Your message becomes a thread in Slack.</div>`;
    return;
  }
  const lastSent = messages.findLastIndex((message) => message.direction === "in");
  list.innerHTML = messages
    .map((message, index) => {
      const mine = message.direction === "in";
      const pictures = message.media
        .map((url) => `<img class="bubble-picture" src="${escapeHtml(url)}" alt="Picture">`)
        .join("");
      const body = message.body ? `<div class="bubble">${escapeHtml(message.body)}</div>` : "";
      const receipt =
        mine && index === lastSent
          ? `<div class="receipt">${message.status === "refused" ? "Not delivered" : "Delivered"}</div>`
          : "";
      return `<div class="phone-message ${mine ? "mine" : "theirs"}">${pictures}${body}${receipt}</div>`;
    })
    .join("");
  if (atBottom || list.dataset.customer !== state.customer) list.scrollTop = list.scrollHeight;
  list.dataset.customer = state.customer;
}

function renderAttachments() {
  const { pictures } = state.snapshot;
  $("attach-tray").innerHTML = pictures
    .map(
      (picture) =>
        `<button type="button" class="sample${picture.id === state.picture ? " selected" : ""}" data-picture="${escapeHtml(
          picture.id,
        )}"><img src="/demo/pictures/${escapeHtml(picture.id)}.png" alt=""><span>${escapeHtml(picture.label)}</span></button>`,
    )
    .join("");
  const attached = $("attached");
  const chosen = pictures.find((picture) => picture.id === state.picture);
  attached.hidden = !chosen;
  attached.innerHTML = chosen
    ? `<img src="/demo/pictures/${escapeHtml(chosen.id)}.png" alt="${escapeHtml(chosen.label)}"><button type="button" id="detach" aria-label="Remove picture">✕</button>`
    : "";
}

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

function followEnd(list) {
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

function renderChannel() {
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

function renderThread() {
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

function renderHome() {
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

function render() {
  if (!state.snapshot) return;
  renderCustomers();
  renderPhone();
  renderAttachments();
  renderChannel();
  renderThread();
  renderHome();
}

async function openHome() {
  state.view = "home";
  render();
  await post("/demo/slack/home", { user: state.me }).catch(() => {});
}

/** The thread whose pane `element` is in, or null in the channel: answers to a click show where it happened. */
function paneOf(element) {
  return element.closest("#thread") ? state.openThread : null;
}

/**
 * A Slack permalink (`…/archives/<channel>/p<ts without its dot>`, `?thread_ts=` for a reply) as the thread
 * it points at. The demo's Slack points permalinks at this page.
 */
function threadOfPermalink(href) {
  const url = new URL(href, location.href);
  const match = /^\/archives\/[A-Z0-9]+\/p(\d{7,})$/.exec(url.pathname);
  if (url.origin !== location.origin || !match) return null;
  return url.searchParams.get("thread_ts") ?? `${match[1].slice(0, -6)}.${match[1].slice(-6)}`;
}

function openThread(ts) {
  state.openThread = ts;
  state.view = "channel";
  render();
  $("thread-text").focus();
}

// ---- the assign menu (an external_select: the app supplies the options) ----

async function openMenu(button) {
  const body = {
    user: state.me,
    messageTs: button.dataset.messageTs,
    actionId: button.dataset.actionId,
    query: "",
  };
  const answer = await post("/demo/slack/options", body);
  const where = paneOf(button);
  const options = answer.options ?? (answer.option_groups ?? []).flatMap((group) => group.options);
  const menu = $("menu");
  state.menu = {
    kind: "select",
    user: body.user,
    messageTs: body.messageTs,
    actionId: body.actionId,
    inThread: where,
  };
  menu.innerHTML = options.length
    ? options
        .map(
          (option) =>
            `<button type="button" role="option" class="menu-item" data-value="${escapeHtml(option.value)}">${escapeHtml(
              option.text.text,
            )}</button>`,
        )
        .join("")
    : '<div class="menu-empty">No options</div>';
  const box = button.getBoundingClientRect();
  menu.style.left = `${box.left}px`;
  menu.style.top = `${box.bottom + 4}px`;
  menu.hidden = false;
}

/** A ⋯ menu: its options are in the message (an overflow element), so nothing is asked of the app. */
function openOverflow(button) {
  const options = JSON.parse(button.dataset.options);
  const menu = $("menu");
  state.menu = {
    kind: "overflow",
    user: state.me,
    messageTs: button.dataset.messageTs,
    actionId: button.dataset.actionId,
    inThread: paneOf(button),
  };
  menu.innerHTML = options
    .map(
      (option) =>
        `<button type="button" role="option" class="menu-item" data-value="${escapeHtml(option.value)}">${escapeHtml(
          option.text,
        )}</button>`,
    )
    .join("");
  const box = button.getBoundingClientRect();
  menu.style.left = `${Math.max(8, box.right - 260)}px`;
  menu.style.top = `${box.bottom + 4}px`;
  menu.hidden = false;
}

function closeMenu() {
  $("menu").hidden = true;
  state.menu = null;
}

// ---- wiring ----

function send(form, textarea, threadTs) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    const command = /^\/threadline\b\s*(.*)$/s.exec(text);
    if (text.startsWith("/") && !command) {
      toast("Only /threadline works in this demo's Slack.");
      return;
    }
    textarea.value = "";
    try {
      if (command)
        await post("/demo/slack/command", { user: state.me, text: command[1], inThread: threadTs() });
      else await post("/demo/slack/message", { user: state.me, text, threadTs: threadTs() });
    } catch {
      textarea.value = text;
    }
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

function wire() {
  send($("channel-form"), $("channel-text"), () => null);
  send($("thread-form"), $("thread-text"), () => state.openThread);

  $("phone-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("phone-text");
    const text = input.value;
    if (!text.trim() && !state.picture) return;
    const picture = state.picture;
    input.value = "";
    state.picture = null;
    $("attach-tray").hidden = true;
    renderAttachments();
    try {
      await post("/demo/phone", { customer: state.customer, text, picture });
    } catch {
      input.value = text;
    }
  });

  $("attach-toggle").addEventListener("click", () => {
    $("attach-tray").hidden = !$("attach-tray").hidden;
  });

  $("teammate").addEventListener("change", (event) => {
    state.me = event.target.value;
    localStorage.setItem("threadline-demo.me", state.me);
    if (state.view === "home") void openHome();
    else render();
  });

  $("thread-close").addEventListener("click", () => {
    state.openThread = null;
    render();
  });

  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[href]");
    const linked = link && threadOfPermalink(link.href);
    if (linked) {
      event.preventDefault();
      if (state.snapshot?.messages.some((message) => message.ts === linked)) openThread(linked);
      else toast("That thread is not in this channel any more.");
      return;
    }
    const target = event.target.closest("button");
    if (!target) {
      closeMenu();
      return;
    }
    if (target.dataset.number) {
      state.customer = target.dataset.number;
      render();
    } else if (target.dataset.picture) {
      state.picture = target.dataset.picture;
      $("attach-tray").hidden = true;
      renderAttachments();
      $("phone-text").focus();
    } else if (target.id === "detach") {
      state.picture = null;
      renderAttachments();
    } else if (target.dataset.openThread) {
      openThread(target.dataset.openThread);
    } else if (target.classList.contains("block-select")) {
      await openMenu(target).catch(() => {});
      return;
    } else if (target.classList.contains("block-overflow")) {
      openOverflow(target);
      return;
    } else if (target.classList.contains("menu-item") && state.menu) {
      const { kind, ...menu } = state.menu;
      closeMenu();
      const request =
        kind === "overflow"
          ? post("/demo/slack/overflow", { ...menu, value: target.dataset.value })
          : post("/demo/slack/select", { ...menu, value: target.dataset.value, text: target.textContent });
      await request.catch(() => {});
      return;
    } else if (target.dataset.react) {
      await post("/demo/slack/reaction", {
        user: state.me,
        messageTs: target.dataset.ts,
        name: target.dataset.react,
      }).catch(() => {});
    } else if (target.id === "open-home") {
      await openHome();
    } else if (target.id === "channel-name") {
      state.view = "channel";
      render();
    } else if (target.classList.contains("block-button")) {
      const { actionId, messageTs, ephemeral } = target.dataset;
      target.disabled = true;
      const request = ephemeral
        ? post("/demo/slack/ephemeral-button", { user: state.me, ephemeralTs: messageTs, actionId })
        : post("/demo/slack/button", { user: state.me, messageTs, actionId, inThread: paneOf(target) });
      await request.catch(() => {});
      target.disabled = false;
    }
    closeMenu();
  });
}

function first(snapshot) {
  $("inbox-number").textContent = formatNumber(snapshot.inbox);
  $("topic-number").textContent = formatNumber(snapshot.inbox);
  $("channel-title").textContent = `# ${snapshot.channel.name}`;
  if (!snapshot.teammates.some((teammate) => teammate.id === state.me)) state.me = snapshot.teammates[0].id;
  state.customer = snapshot.customers[0].number;
  $("teammate").innerHTML = snapshot.teammates
    .map((teammate) => `<option value="${escapeHtml(teammate.id)}">${escapeHtml(teammate.name)}</option>`)
    .join("");
  $("teammate").value = state.me;
}

wire();
followEnd($("channel-messages"));
followEnd($("thread-messages"));
const events = new EventSource("/demo/events");
events.addEventListener("snapshot", (event) => {
  const snapshot = JSON.parse(event.data);
  // Back after the demo stopped: it is a new demo with nothing of the old one, so start the page afresh.
  if (lost) location.reload();
  const isFirst = !state.snapshot;
  if (isFirst) first(snapshot);
  state.snapshot = snapshot;
  // Opened from a permalink (a find result opened in a new tab): show that thread.
  if (isFirst && threadOfPermalink(location.href)) state.openThread = threadOfPermalink(location.href);
  $("live").textContent = "live";
  $("live").classList.add("on");
  render();
});
let lost = false;
events.addEventListener("error", () => {
  lost = true;
  $("live").textContent = "stopped";
  $("live").classList.remove("on");
  $("stopped").hidden = false;
});
