using System.Text.RegularExpressions;

namespace AmqpBroker.Core.Security;

/// <summary>
/// One permission regular expression, parsed once. RabbitMQ matches it unanchored and reads an empty
/// pattern as <c>^$</c>; <c>.*</c>, by far the most common, is answered without running the engine.
/// </summary>
internal sealed class ResourcePattern
{
    private readonly Regex? _regex;
    private readonly bool _matchesEverything;

    private ResourcePattern(string pattern)
    {
        _matchesEverything = pattern == ".*";
        if (!_matchesEverything)
        {
            _regex = new Regex(pattern.Length == 0 ? "^$" : pattern, RegexOptions.CultureInvariant);
        }
    }

    /// <summary>Parses <paramref name="pattern"/>, or throws <see cref="PermissionValidationException"/> with RabbitMQ's reason.</summary>
    public static ResourcePattern Parse(string pattern)
    {
        try
        {
            return new ResourcePattern(pattern);
        }
        catch (ArgumentException ex)
        {
            throw new PermissionValidationException($"invalid_regexp '{pattern}': {ex.Message}");
        }
    }

    public bool Matches(string name) => _matchesEverything || _regex!.IsMatch(name);
}
