import { chatMethods } from "./chat-methods.js";
import { conversationMethods } from "./conversation-methods.js";
import { type MethodContext, type MethodSpec, methodAccess } from "./method-access.js";

/* The Web API's methods by name, each with the token it takes. */

export function createMethods(ctx: MethodContext): Record<string, MethodSpec> {
  const access = methodAccess(ctx);
  const bot = ctx.ws.ids;
  return {
    "auth.test": {
      token: "bot",
      run: () => ({
        url: `${ctx.workspaceUrl()}/`,
        team: "Threadline Test",
        user: bot.botName,
        team_id: bot.teamId,
        user_id: bot.botUserId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      }),
    },

    "apps.connections.open": { token: "app", run: () => ({ url: ctx.openSocketUrl() }) },
    ...chatMethods(ctx, access),
    ...conversationMethods(ctx, access),
  };
}
