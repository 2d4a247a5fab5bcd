import { escapeHtml } from "./render.js";
import { $, avatar, formatNumber, state } from "./state.js";

// ---- the phone ----

export function renderCustomers() {
  const { customers, phones } = state.snapshot;
  $("customers").innerHTML = customers
    .map((customer) => {
      const received = (phones[customer.number] ?? []).filter((text) => text.direction === "out").length;
      const selected = customer.number === state.customer;
      if (selected) state.seen[customer.number] = received;
      const count = received - (state.seen[customer.number] ?? 0);
      return `<button type="button" role="tab" aria-selected="${selected}" class="customer${
        selected ? " selected" : ""
      }" data-number="${escapeHtml(customer.number)}" title="${escapeHtml(
        customer.channel === "instagram" ? `${customer.name} on Instagram` : formatNumber(customer.number),
      )}">${avatar(
        customer.name,
      )}<b>${escapeHtml(customer.name)}</b>${customer.channel === "instagram" ? '<small class="via">Instagram</small>' : ""}${
        count > 0 ? `<span class="count" aria-label="${count} unread">${count}</span>` : ""
      }</button>`;
    })
    .join("");
}

export function renderPhone() {
  const messages = state.snapshot.phones[state.customer] ?? [];
  const list = $("phone-messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (messages.length === 0) {
    const customer = state.snapshot.customers.find((c) => c.number === state.customer);
    const how = customer?.channel === "instagram" ? "Message Acme Support on Instagram" : "Text Acme Support";
    list.innerHTML = `<div class="phone-empty">${how} as ${escapeHtml(
      customer?.name ?? "a customer",
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

export function renderAttachments() {
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
