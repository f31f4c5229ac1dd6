//! The top-level help of `whop`: what `whop --help` prints around the generated parts (each noun's
//! own help texts are in its command module).

use crate::exit::exit_codes_table;

/// The one-line description (`whop -h`).
pub(crate) const ABOUT: &str =
    "Cancel or terminate a Whop membership, look one up, or check a license key.";

/// The description of `whop --help`: the commands, the credentials they read, `--mock`, output.
pub(crate) const LONG_ABOUT: &str = "\
Cancel a Whop membership, look one up, or check a license key, from a shell.

`membership cancel` uses Whop's v2 API with your company API key: the membership is set to cancel
at the end of its current period (it keeps access until then). `membership terminate --yes` ends
it at once, irreversibly.
`me membership` and `license check` use the v5 `me` API with a user's token (an OAuth token or an
app-proxy JWT), and see only that user's memberships.

Credentials come from the environment: WHOP_API_KEY (company API key, for `membership cancel`) and
WHOP_USER_TOKEN (user token, for `me membership` and `license check`). The --api-key and
--user-token flags override them, but a flag's value ends up in your shell history and in the
process list that other users of the machine can read: prefer the variables. WHOP_BASE_URL (or
--base-url) points the command at another API root, such as a local mock. WHOP_PACING_REDIS_URL
(redis://host:port/) paces the command with every other process on the same key through that
Redis, so it cannot trip Whop's rate limit for them (builds with the default `redis` feature).

--mock runs the command against an embedded fake of Whop's API (whop-mock) served on loopback, with
demo credentials, so every command can be tried without an account.

Output is aligned `label  value` rows for people; --json prints the API object as JSON for `jq`.
Errors are one line on stderr, `whop: error: ...`, and the exit code says what went wrong (below).
No output, error or trace ever shows a token.";

/// The examples and the exit-code table, shown after the top-level help.
pub(crate) const AFTER_HELP: &str = concat!(
    "\
Examples:
  whop --mock membership cancel mem_demo000000001 --expand product,user,plan
  whop --mock me membership DEMO-1A2B3C-4D5E6F70-8A9B0CW
  whop --mock license check DEMO-1A2B3C-4D5E6F70-8A9B0CW; echo $?
  WHOP_API_KEY=... whop membership cancel mem_XXXXXXXXXXXXXX --json | jq .cancel_at_period_end
  WHOP_USER_TOKEN=... whop license check \"$KEY\" && start-the-app

The --mock world (whop-mock's MockWhop::demo): the demo user owns mem_demo000000001 (license key
DEMO-1A2B3C-4D5E6F70-8A9B0CW, valid, bound to hardware ID demo-machine), mem_demo000000003
(DEMO-EXPIRED-00000000-0000000, expired), mem_demo000000004 (DEMO-CANCELING-0000000-0000000,
valid, cancels at period end) and mem_demo000000005 (DEMO-UNBOUND-00000000-0000005, valid, bound
to no machine);
mem_demo000000002 belongs to someone else (404 for the demo user on v5).

",
    "Exit codes:\n",
    exit_codes_table!()
);
