import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail addresses are unique per institution, not platform-wide: a platform-wide unique index made
 * createUser answer CONFLICT for an address used in another institution, telling one institution's
 * admin who has an account elsewhere (issue #12). Login tries the accounts of an address in turn.
 */
export class SecurityUserEmailPerInstitution1796291756814 implements MigrationInterface {
  name = 'SecurityUserEmailPerInstitution1796291756814';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS app_user_email`);
    await q.query(
      `CREATE UNIQUE INDEX app_user_institution_email ON app_user (institution_id, lower(email))`,
    );
    await q.query(`CREATE INDEX app_user_email_lookup ON app_user (lower(email))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS app_user_email_lookup`);
    await q.query(`DROP INDEX IF EXISTS app_user_institution_email`);
    await q.query(`CREATE UNIQUE INDEX app_user_email ON app_user (lower(email))`);
  }
}
