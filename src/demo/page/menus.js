import { escapeHtml } from "./render.js";
import { $, paneOf, post, state } from "./state.js";

// ---- the assign menu (an external_select: the app supplies the options) ----

export async function openMenu(button) {
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
export function openOverflow(button) {
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

export function closeMenu() {
  $("menu").hidden = true;
  state.menu = null;
}
