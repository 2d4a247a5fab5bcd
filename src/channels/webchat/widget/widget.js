// Threadline's web chat widget: plain JavaScript, no framework. Loaded with
// <script src="{PUBLIC_URL}/webchat/<key>.js" async>; everything it shows from the server is set as text.
(() => {
  const script = document.currentScript;
  if (!script?.src) return;
  const api = script.src.replace(/\.js(\?.*)?$/, "");
  const key = api.slice(api.lastIndexOf("/") + 1);
  const tokenKey = `threadline-webchat:${key}`;
  const imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const maxImageBytes = 2 * 1024 * 1024;
  const maxText = 2000;

  const store = {
    get: () => {
      try {
        return localStorage.getItem(tokenKey);
      } catch {
        return null;
      }
    },
    set: (token) => {
      try {
        if (token) localStorage.setItem(tokenKey, token);
        else localStorage.removeItem(tokenKey);
      } catch {
        // Private browsing without storage: the conversation lasts as long as the page.
      }
    },
  };
  /** A token the server refuses (damaged in storage) is dropped: the next message starts afresh. */
  function forgetToken() {
    token = null;
    store.set(null);
  }
  let token = store.get();
  let lastId = 0;
  let streaming = false;
  let retryMs = 1000;

  /** A random id for a message, so a retry is recognised (getRandomValues works on http pages too). */
  function messageId() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
      byte.toString(16).padStart(2, "0"),
    ).join("");
  }

  /** An element with attributes and children; text is always text (never parsed as HTML). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === undefined) continue;
      node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  async function call(path, options = {}) {
    const headers = { ...(options.body ? { "content-type": "application/json" } : {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${api}${path}`, {
      method: options.method ?? "GET",
      headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: "omit",
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) forgetToken();
    if (!response.ok) throw new Error(answer.error || `the chat answered ${response.status}`);
    return answer;
  }

  function build(status) {
    const host = el("div", { "data-threadline-webchat": key });
    const root = host.attachShadow({ mode: "open" });
    root.append(el("style", {}, "__WIDGET_CSS__"));

    const launcher = el(
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "tl-panel" },
      "Chat with us",
    );
    const close = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, "×");
    const log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    const away = el("p", { class: "away", role: "status" });
    if (!status.open)
      away.textContent =
        status.awayMessage || "We're away right now. Leave a message and we'll answer when we're back.";
    else away.hidden = true;
    const problem = el("p", { class: "problem", role: "alert" });
    const name = el("input", { id: "tl-name", name: "name", autocomplete: "name", maxlength: "100" });
    const email = el("input", {
      id: "tl-email",
      name: "email",
      type: "email",
      autocomplete: "email",
      maxlength: "200",
    });
    const about = el(
      "details",
      { class: "about" },
      el("summary", {}, "Add your name and e-mail (optional)"),
      el("label", { for: "tl-name" }, "Name"),
      name,
      el("label", { for: "tl-email" }, "E-mail"),
      email,
    );
    about.hidden = Boolean(token);
    const text = el("textarea", { id: "tl-message", name: "message", rows: "2", maxlength: String(maxText) });
    const file = el("input", { id: "tl-image", type: "file", accept: imageTypes.join(","), class: "file" });
    const send = el("button", { type: "submit", class: "send" }, "Send");
    const form = el(
      "form",
      { class: "compose" },
      el("label", { for: "tl-message" }, "Message"),
      text,
      el(
        "div",
        { class: "actions" },
        el("label", { for: "tl-image", class: "attach" }, "Attach an image"),
        file,
        send,
      ),
    );
    const panel = el(
      "section",
      { id: "tl-panel", class: "panel", role: "dialog", "aria-label": "Chat with us", hidden: true },
      el("header", {}, el("h2", {}, "Chat with us"), close),
      away,
      log,
      about,
      problem,
      form,
    );
    root.append(launcher, panel);
    document.body.append(host);

    const shown = new Set();
    function show(messages) {
      for (const message of messages) {
        if (shown.has(message.id)) continue;
        shown.add(message.id);
        lastId = Math.max(lastId, message.id);
        const who = message.from === "visitor" ? "You" : "Team";
        log.append(
          el(
            "li",
            { class: message.from === "visitor" ? "mine" : "theirs" },
            el("span", { class: "who" }, `${who}: `),
            message.text || "(image)",
          ),
        );
      }
      log.scrollTop = log.scrollHeight;
    }

    /** Server-sent events read with fetch, so the token travels in a header rather than in the URL. */
    async function stream() {
      if (streaming || !token) return;
      streaming = true;
      try {
        const response = await fetch(`${api}/events?after=${lastId}`, {
          headers: { authorization: `Bearer ${token}` },
          credentials: "omit",
        });
        if (response.status === 401) {
          // Not retried: the next message starts a new visitor, and its stream.
          streaming = false;
          return forgetToken();
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        retryMs = 1000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = event
              .split("\n")
              .filter((line) => line.startsWith("data: "))
              .map((line) => line.slice(6))
              .join("\n");
            if (data) show(JSON.parse(data).messages);
            end = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // Reconnect below, a little later each time.
      }
      streaming = false;
      setTimeout(stream, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    }

    function readImage(chosen) {
      return new Promise((resolve, reject) => {
        if (!imageTypes.includes(chosen.type))
          return reject(new Error("Images must be JPEG, PNG, GIF or WebP."));
        if (chosen.size > maxImageBytes) return reject(new Error("Images must be at most 2 MB."));
        const reader = new FileReader();
        reader.onload = () =>
          resolve({
            contentType: chosen.type,
            filename: chosen.name,
            data: String(reader.result).split(",")[1],
          });
        reader.onerror = () => reject(new Error("The image could not be read."));
        reader.readAsDataURL(chosen);
      });
    }

    async function sendMessage(message) {
      if (!token) {
        token = (await call("/visitors", { method: "POST", body: {} })).token;
        store.set(token);
      }
      await call("/messages", { method: "POST", body: message });
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!text.value.trim() && !chosen) return text.focus();
      problem.textContent = "";
      send.disabled = true;
      try {
        const image = chosen ? await readImage(chosen) : undefined;
        const message = {
          clientId: messageId(),
          text: text.value,
          ...(name.value.trim() ? { name: name.value.trim() } : {}),
          ...(email.value.trim() ? { email: email.value.trim() } : {}),
          ...(image ? { image } : {}),
        };
        const hadToken = Boolean(token);
        try {
          await sendMessage(message);
        } catch (error) {
          // Refused because the kept token was damaged: once more as a new visitor.
          if (!hadToken || token) throw error;
          await sendMessage(message);
        }
        text.value = "";
        file.value = "";
        about.hidden = true;
        stream();
      } catch (error) {
        problem.textContent = error.message;
      } finally {
        send.disabled = false;
        text.focus();
      }
    });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    function toggle(open) {
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        text.focus();
        stream();
      } else launcher.focus();
    }
    launcher.addEventListener("click", () => toggle(panel.hidden));
    close.addEventListener("click", () => toggle(false));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toggle(false);
    });
    if (token) stream();
  }

  function start() {
    call("/status")
      .then((status) => {
        if (status.available) build(status);
      })
      .catch((error) => console.warn(`Threadline web chat: ${error.message}`));
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
