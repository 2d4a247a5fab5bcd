/* Saved replies of a Slack channel's team: the port the core uses, implemented once on src/db/sql. */

export interface Snippet {
  readonly slackChannelId: string;
  /** Lower-case, as `parseSnippetName` keeps it. */
  readonly name: string;
  /** The text as typed in Slack, variables (`{first_name}`) included. */
  readonly body: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface SnippetStore {
  /** Saves the snippet, replacing one of the same name in the channel; says which it did. */
  save(snippet: Snippet): Promise<"created" | "replaced">;
  /** Removes it; false when the channel had none of that name. */
  remove(slackChannelId: string, name: string): Promise<boolean>;
  find(slackChannelId: string, name: string): Promise<Snippet | null>;
  /** The channel's snippets by name. */
  list(slackChannelId: string): Promise<readonly Snippet[]>;
}
