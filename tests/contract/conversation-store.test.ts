import { testDatabase } from "../unit/core/harness.js";
import { conversationStoreContract } from "./conversation-store.contract.js";
import { retentionContract } from "./retention.contract.js";
import { sharedRowsContract } from "./shared-rows.contract.js";

conversationStoreContract("SQLite", testDatabase);
retentionContract("SQLite", testDatabase);
sharedRowsContract("SQLite", testDatabase);
