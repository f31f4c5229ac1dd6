//! The top-level help of `whop`: what `whop --help` prints around the generated parts (each noun's
//! own help texts are in its command module).

use crate::exit::exit_codes_table;

/// The one-line description (`whop -h`).
pub(crate) const ABOUT: &str =
    "Cancel or terminate a Whop membership, look one up, or check a license key.";

/// The description of `whop --help`: the commands, the APIs and credentials they use, `--mock`,
/// output.
pub(crate) const LONG_ABOUT: &str = "\
Cancel a Whop membership, look one up, or check a license key, from a shell.

Every command calls Whop's Current API (https://api.whop.com/api/v1), with the Api-Version-Date
this release pins on every request. `membership cancel` sets a membership to cancel at the end of
its current period (it keeps access until then); `membership terminate --yes` ends its access at
once. `license validate` binds a key to a hardware ID; `license reset` frees it.
--api legacy (or WHOP_API=legacy) runs this tool's older calls instead: Whop's v2 API, which Whop
switched off, and the v5 `me` API. Use it against a server that still answers them, such as
--mock; against Whop, a v2 call fails saying so and naming the Current API call to use.

Credentials come from the environment: WHOP_API_KEY (company API key, for `membership ...`,
`license validate` and `license reset`) and WHOP_USER_TOKEN (a user's OAuth token or app-proxy JWT,
for `me ...` and `license check`; it sees only that user's memberships). The --api-key and
--user-token flags override them, but a flag's value ends up in your shell history and in the
process list that other users of the machine can read: prefer the variables. WHOP_BASE_URL (or
--base-url) points the command at another API root, such as a local mock. WHOP_PACING_REDIS_URL
(redis://host:port/) paces the command with every other process on the same key through that
Redis, so it cannot trip Whop's rate limit for them (builds with the default `redis` feature); a
configured Redis that cannot be reached is reported on stderr.

--mock runs the command against an embedded fake of Whop's API (whop-mock) served on loopback, with
demo credentials, so every command can be tried without an account. WHOP_MOCK_V2_RETIRED=1 makes
that fake answer every v2 route as Whop does now (gone), to rehearse a migration.

Output is aligned `label  value` rows for people; --json prints Whop's own JSON for `jq` (a list
as JSON Lines, one membership per line). Errors are one line on stderr, `whop: error: ...`, and
the exit code says what went wrong (below). No output, error or trace ever shows a token.";

/// The examples and the exit-code table, shown after the top-level help.
pub(crate) const AFTER_HELP: &str = concat!(
    "\
Examples:
  whop --mock membership cancel mem_demo000000001
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW
  whop --mock license check DEMO-1A2B3C-4D5E6F70-8A9B0CW; echo $?
  whop --mock license validate DEMO-CURRENT-UNBOUND-0000007 --hwid my-laptop; echo $?
  whop --mock --api legacy membership cancel mem_demo000000001 --expand product,user,plan
  WHOP_MOCK_V2_RETIRED=1 whop --mock --api legacy membership get mem_demo000000001  # fails: v2 gone
  WHOP_API_KEY=... whop membership cancel mem_XXXXXXXXXXXXXX --json | jq .cancel_at_period_end
  WHOP_USER_TOKEN=... whop license check \"$KEY\" && start-the-app

The --mock world (whop-mock's MockWhop::demo): the demo user owns mem_demo000000001 (license key
DEMO-1A2B3C-4D5E6F70-8A9B0CW, valid, bound to hardware ID demo-machine), mem_demo000000003
(DEMO-EXPIRED-00000000-0000000, expired), mem_demo000000004 (DEMO-CANCELING-0000000-0000000,
valid, cancels at period end) and mem_demo000000005 (DEMO-UNBOUND-00000000-0000005, valid, bound
to no machine), used by the legacy demonstrations; and, for `license validate|reset` on the
Current API, mem_demo000000006 (DEMO-CURRENT-BOUND-0000006, valid, bound to demo-machine),
mem_demo000000007 (DEMO-CURRENT-UNBOUND-0000007, valid, bound to no machine) and
mem_demo000000008 (DEMO-CURRENT-EXPIRED-0000008, expired);
mem_demo000000002 belongs to someone else (404 for the demo user).

",
    "Exit codes:\n",
    exit_codes_table!()
);
