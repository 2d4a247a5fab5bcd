// The page's state and the small helpers every part of it uses.
import { escapeHtml } from "./render.js";

export const $ = (id) => document.getElementById(id);

export const state = {
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

export function formatNumber(number) {
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

export function avatar(name, isApp) {
  if (isApp) return '<div class="avatar app" aria-hidden="true">T</div>';
  return `<div class="avatar" style="background:hsl(${hue(name)} 45% 42%)" aria-hidden="true">${escapeHtml(
    initials(name),
  )}</div>`;
}

/** The demo customer a name such as "+1 555 765 4321" stands for, so their avatar matches the phone's. */
export function customerNamed(name) {
  const digits = name.replace(/\D/g, "");
  return state.snapshot.customers.find((customer) => customer.number.replace(/\D/g, "") === digits);
}

export async function post(path, body) {
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
export function toast(message) {
  const element = $("toast");
  element.textContent = message;
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    element.hidden = true;
  }, 4000);
}

/** The thread whose pane `element` is in, or null in the channel: answers to a click show where it happened. */
export function paneOf(element) {
  return element.closest("#thread") ? state.openThread : null;
}

/**
 * A Slack permalink (`…/archives/<channel>/p<ts without its dot>`, `?thread_ts=` for a reply) as the thread
 * it points at. The demo's Slack points permalinks at this page.
 */
export function threadOfPermalink(href) {
  const url = new URL(href, location.href);
  const match = /^\/archives\/[A-Z0-9]+\/p(\d{7,})$/.exec(url.pathname);
  if (url.origin !== location.origin || !match) return null;
  return url.searchParams.get("thread_ts") ?? `${match[1].slice(0, -6)}.${match[1].slice(-6)}`;
}
