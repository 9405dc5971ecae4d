using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Profiles;

/// <summary>
/// The broker's <c>--strict</c> mode, which no RabbitMQ release has: arguments that RabbitMQ would silently
/// accept without acting on them are refused with 406 PRECONDITION_FAILED, naming each one and why — names no
/// release knows (a typo such as <c>x-message-tll</c>), names only other releases know, and names the chosen
/// release ignores (<c>x-queue-mode</c> from 3.12). Only <c>x-</c> arguments and <c>alternate-exchange</c> count:
/// RabbitMQ gives other names no meaning, and headers-exchange bindings use arguments as values to match.
/// </summary>
public static class StrictArguments
{
    /// <summary>Throws when <paramref name="arguments"/> hold any the release of <paramref name="profile"/> would not act on.</summary>
    /// <param name="profile">The release the broker behaves as.</param>
    /// <param name="place">Where the arguments were given.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="subject">What they were given for, as RabbitMQ names it (<c>queue 'q' in vhost '/'</c>).</param>
    /// <param name="queueType">The queue type concerned (for a declare or consume), which decides what is ignored.</param>
    public static void Check(VersionProfile profile, ArgumentPlace place, IReadOnlyDictionary<string, object?> arguments, string subject, string queueType = "classic")
    {
        List<string>? refused = null;
        foreach (var name in arguments.Keys)
        {
            if (Reason(profile.Release, place, name, queueType) is { } reason)
            {
                (refused ??= []).Add($"'{name}' ({reason})");
            }
        }

        if (refused is not null)
        {
            // The arguments first, so that a long subject cannot push them past the 255-byte reply text.
            throw AmqpException.PreconditionFailed(
                $"strict mode: RabbitMQ {profile.Release} would not act on {string.Join(", ", refused)} for {subject}");
        }
    }

    /// <summary>The arguments of basic.consume on <paramref name="queue"/>, judged by that queue's type.</summary>
    public static void CheckConsume(VersionProfile profile, Queues.Queue queue, IReadOnlyDictionary<string, object?> arguments) =>
        Check(profile, ArgumentPlace.Consume, arguments, Queues.QueueArguments.Describe(queue.Definition), queue.TypeName);

    private static string? Reason(RabbitMqRelease release, ArgumentPlace place, string name, string queueType)
    {
        if (place != ArgumentPlace.ExchangeDeclare && !name.StartsWith("x-", StringComparison.Ordinal))
        {
            return null;
        }

        var known = KnownArgument.All.Where(a => a.Name == name && a.Place == place).ToList();
        if (known.Count == 0)
        {
            return "no RabbitMQ release knows it";
        }

        if (known.FirstOrDefault(a => a.IsKnownIn(release)) is not { } current)
        {
            var since = known.Min(a => a.Since);
            return since > release ? $"only RabbitMQ {since} and later know it" : $"removed in RabbitMQ {known.Max(a => a.RemovedIn)}";
        }

        return current.IsIgnoredIn(release, queueType) ? $"ignored since RabbitMQ {current.IgnoredSince}" : null;
    }
}
