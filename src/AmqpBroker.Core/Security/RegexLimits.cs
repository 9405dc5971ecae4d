using System.Text;

namespace AmqpBroker.Core.Security;

/// <summary>
/// The limits RabbitMQ puts on the regular expressions it runs for policies, permissions and list filters. Before
/// <c>rabbit_re</c> every match had PCRE's default match limit (10,000,000 steps) and a match past it was
/// <c>nomatch</c>; rabbit_re (commit e5846514b1, in 4.2.8 and 4.3.2; the management name filter already in 4.2.6,
/// #16074) lowers the limit to 50,000 steps, a failed run still counting as no match, and refuses a pattern over 1024
/// bytes where one is set. A match budget here is time, the .NET engine's way of bounding backtracking. Also the escaping
/// of a value put into a pattern (rabbit_re:escape).
/// </summary>
public static class RegexLimits
{
    /// <summary>The characters <see cref="Escape"/> puts a backslash before.</summary>
    private const string MetaCharacters = @"\^$.|?*+()[]{}-";

    /// <summary>The longest pattern, in UTF-8 bytes, where patterns are limited (rabbit_re MAX_PATTERN_LENGTH).</summary>
    public const int MaxPatternBytes = 1024;

    /// <summary>A match's budget: about what PCRE's default match limit costs RabbitMQ 3.10.8.</summary>
    public static readonly TimeSpan MatchBudget = TimeSpan.FromSeconds(1);

    /// <summary>The budget where matches are limited: rabbit_re's match limit of 50,000 steps, a few milliseconds.</summary>
    public static readonly TimeSpan LimitedMatchBudget = TimeSpan.FromMilliseconds(50);

    /// <summary>The match budget, <see cref="LimitedMatchBudget"/> where <paramref name="limited"/>.</summary>
    public static TimeSpan BudgetFor(bool limited) => limited ? LimitedMatchBudget : MatchBudget;

    /// <summary>Whether <paramref name="pattern"/> is over <see cref="MaxPatternBytes"/> UTF-8 bytes.</summary>
    public static bool IsTooLong(string pattern) => Encoding.UTF8.GetByteCount(pattern) > MaxPatternBytes;

    /// <summary>
    /// <paramref name="value"/> with a backslash before every character that means something in a pattern, <c>\ ^ $ . |
    /// ? * + ( ) [ ] { }</c> and, inside a class, <c>-</c>, so that it matches itself (rabbit_re:escape at v4.2.9 and
    /// v4.3.3; rabbit_auth_backend_internal's escape_regex from 4.2.4 without the <c>-</c>).
    /// </summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (MetaCharacters.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
