import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { DATASOURCES_COMMANDS } from '../../views/commands/commandIds';
import { databaseKeysIn, databaseUrlProblem, passwordEnvFor } from '../../views/datasources/databasePasswordKeys';
import { databaseKey } from '../../datasets/sql/sqlSource';

const SECRET_PREFIX = 'runlens.database.password:';
/** The keys (user@host:port/db, no secret) whose passwords are stored: SecretStorage cannot list its entries. */
const KEYS_STATE = 'runlens.database.passwordKeys';

/**
 * Database passwords the user set with "RunLens: Set Database Password…",
 * kept in VS Code's SecretStorage (never in a config or the store). A
 * training gets the passwords of the databases its config names through its
 * environment (`RUNLENS_DB_PASSWORDS`); loaded once at activation so that
 * starting a trainer stays synchronous.
 */
export class DatabasePasswords {
  private readonly cache = new Map<string, string>();
  readonly loaded: Promise<void>;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly state: vscode.Memento) {
    this.loaded = this.load();
  }

  private async load(): Promise<void> {
    for (const key of this.state.get<string[]>(KEYS_STATE, [])) {
      const pw = await this.secrets.get(SECRET_PREFIX + key);
      if (pw !== undefined) this.cache.set(key, pw);
    }
  }

  /** Stores (or, with undefined, forgets) the password of a database key. */
  async set(key: string, password: string | undefined): Promise<void> {
    if (password === undefined) {
      await this.secrets.delete(SECRET_PREFIX + key);
      this.cache.delete(key);
    } else {
      await this.secrets.store(SECRET_PREFIX + key, password);
      this.cache.set(key, password);
    }
    await this.state.update(KEYS_STATE, [...this.cache.keys()]);
  }

  /** The trainer environment for a config file: its databases' stored passwords (nothing when it names none). */
  envFor(configPath: string): Record<string, string> {
    if (this.cache.size === 0) return {};
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch {
      return {};
    }
    return passwordEnvFor(text, this.cache);
  }
}

/** "RunLens: Set Database Password…": asks for the database (prefilled from the open config) and its password. */
export function datasourceCommands(passwords: DatabasePasswords): CommandHandlers<typeof DATASOURCES_COMMANDS> {
  return {
    [DATASOURCES_COMMANDS.setDatabasePassword]: async () => {
      const open = vscode.window.activeTextEditor?.document.getText() ?? '';
      const suggested = databaseKeysIn(open)[0];
      const url = await vscode.window.showInputBox({
        title: 'RunLens: Set Database Password (1/2)',
        prompt: 'The PostgreSQL database, as data.sql.url names it (without the password)',
        placeHolder: 'postgres://user@host:5432/db',
        value: suggested ? `postgres://${suggested}` : '',
        ignoreFocusOut: true,
        validateInput: (v) => databaseUrlProblem(v),
      });
      if (url === undefined) return;
      const key = databaseKey(url.trim());
      if (key === undefined) return;
      const password = await vscode.window.showInputBox({
        title: 'RunLens: Set Database Password (2/2)',
        prompt: `Password of ${key}, kept in VS Code's secret storage and given to trainings of configs that name this database. Leave empty to remove it.`,
        password: true,
        ignoreFocusOut: true,
      });
      if (password === undefined) return;
      await passwords.set(key, password === '' ? undefined : password);
      void vscode.window.showInformationMessage(password === '' ? `RunLens: the password of ${key} is removed.` : `RunLens: the password of ${key} is stored; trainings of configs that name this database get it.`);
    },
  };
}
