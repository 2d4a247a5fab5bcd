import { closeMenu, openMenu, openOverflow } from "./menus.js";
import { renderAttachments, renderCustomers, renderPhone } from "./phone.js";
import { escapeHtml } from "./render.js";
import { followEnd, renderChannel, renderHome, renderThread } from "./slack-view.js";
import { $, formatNumber, paneOf, post, state, threadOfPermalink, toast } from "./state.js";

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

function openThread(ts) {
  state.openThread = ts;
  state.view = "channel";
  render();
  $("thread-text").focus();
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
