using System.Text.RegularExpressions;

namespace AmqpBroker.Core.Security;

/// <summary>
/// One permission regular expression, parsed once. RabbitMQ matches it unanchored and reads an empty
/// pattern as <c>^$</c>; <c>.*</c>, by far the most common, is answered without running the engine. A match that runs
/// out of its budget (<see cref="RegexLimits"/>) is no match, so access is refused, as RabbitMQ denies on a failed run.
/// </summary>
internal sealed class ResourcePattern
{
    private readonly Regex? _regex;
    private readonly bool _matchesEverything;

    private ResourcePattern(string pattern, TimeSpan matchBudget)
    {
        _matchesEverything = pattern == ".*";
        if (!_matchesEverything)
        {
            _regex = new Regex(pattern.Length == 0 ? "^$" : pattern, RegexOptions.CultureInvariant, matchBudget);
        }
    }

    /// <summary>Parses <paramref name="pattern"/>, or throws <see cref="PermissionValidationException"/> with RabbitMQ's reason.</summary>
    /// <param name="pattern">The pattern as set.</param>
    /// <param name="matchBudget">How long one match may run (<see cref="RegexLimits.BudgetFor"/>).</param>
    public static ResourcePattern Parse(string pattern, TimeSpan matchBudget)
    {
        try
        {
            return new ResourcePattern(pattern, matchBudget);
        }
        catch (ArgumentException ex)
        {
            throw new PermissionValidationException($"invalid_regexp '{pattern}': {ex.Message}");
        }
    }

    /// <summary>
    /// Refuses a pattern over 1024 bytes as rabbit_auth_backend_internal's set_permissions and set_topic_permissions do
    /// from 4.2.8 (<c>{invalid_regexp, Pattern, pattern_too_long}</c>); only when a permission is set, not when a stored
    /// one is loaded.
    /// </summary>
    public static void CheckLength(string pattern)
    {
        if (RegexLimits.IsTooLong(pattern))
        {
            throw new PermissionValidationException($"invalid_regexp '{pattern}': pattern_too_long");
        }
    }

    public bool Matches(string name)
    {
        try
        {
            return _matchesEverything || _regex!.IsMatch(name);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
