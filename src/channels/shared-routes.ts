import type { FastifyInstance } from "fastify";

/**
 * The channels of one provider share its webhook routes on a server (one URL, one signature check, dispatch by
 * the payload): the first channel added registers the routes; each later one joins the list they read at every
 * request.
 */
export function sharedRoutes<Channel>() {
  const channelsByServer = new WeakMap<FastifyInstance, Channel[]>();
  return (
    server: FastifyInstance,
    channel: Channel,
    register: (channels: readonly Channel[]) => void,
  ): void => {
    const channels = channelsByServer.get(server);
    if (channels) {
      channels.push(channel);
      return;
    }
    const first = [channel];
    channelsByServer.set(server, first);
    register(first);
  };
}
