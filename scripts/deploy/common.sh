#!/usr/bin/env bash
# Helpers shared by the deployment scripts (sourced, not run).

# Which repository variable feeds each environment variable (see .github/workflows/deploy.yml).
declare -A REPOSITORY_VARIABLE=(
  [RESOURCE_GROUP]=AZURE_RESOURCE_GROUP
  [LOCATION]=AZURE_LOCATION
  [FUNCTIONAPP_NAME]=AZURE_FUNCTIONAPP_NAME
  [STORAGE_ACCOUNT]=AZURE_STORAGE_ACCOUNT
  [APP_INSIGHTS_NAME]=AZURE_APP_INSIGHTS
  [LOG_ANALYTICS_NAME]=AZURE_LOG_ANALYTICS
  [ALERT_EMAILS]=ALERT_EMAILS
)

# Fail with one message that names every missing setting.
require_env() {
  local name missing=()
  for name in "$@"; do
    if [[ -z "${!name:-}" ]]; then
      missing+=("$name${REPOSITORY_VARIABLE[$name]:+ (repository variable ${REPOSITORY_VARIABLE[$name]})}")
    fi
  done
  if ((${#missing[@]})); then
    printf 'missing configuration:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    return 1
  fi
}

step() {
  echo "==> $*"
}

# True when the resource that a `show` command names exists; its output and errors are dropped.
exists() {
  "$@" --output none >/dev/null 2>&1
}

# Keep a secret out of the GitHub Actions log.
mask() {
  if [[ -n "${GITHUB_ACTIONS:-}" && -n "$1" ]]; then
    echo "::add-mask::$1"
  fi
}

# retry ATTEMPTS DELAY_SECONDS COMMAND...: run until it succeeds; a cold or restarting Flex
# Consumption app answers 5xx or refuses keys for a while after a deployment.
retry() {
  local attempts="$1" delay="$2" attempt
  shift 2
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    if "$@"; then
      return 0
    fi
    if ((attempt < attempts)); then
      echo "attempt $attempt/$attempts failed; retrying in ${delay}s" >&2
      sleep "$delay"
    fi
  done
  return 1
}
