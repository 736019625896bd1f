import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The undo log of a session (issue #14, dashboard): each teacher action on review or marks keeps
 * what it changed, so it can be taken back. Rows go with their session.
 */
export class SessionUndo1796291597051 implements MigrationInterface {
  name = 'SessionUndo1796291597051';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE session_action (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES attendance_session(id) ON DELETE CASCADE,
        kind text NOT NULL,
        summary text NOT NULL,
        actor text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        undone_at timestamptz)`);
    await q.query(`CREATE INDEX session_action_session ON session_action (session_id, created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS session_action`);
  }
}
