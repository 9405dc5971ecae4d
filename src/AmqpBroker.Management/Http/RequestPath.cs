namespace AmqpBroker.Management.Http;

/// <summary>
/// A raw request path read as RabbitMQ's web server (cowboy) reads it: every <c>%</c> must start an escape of two
/// hex digits (otherwise the request is a 400), and segments that decode to <c>.</c> or <c>..</c> are removed as
/// RFC 3986 §5.2.4 says, so <c>/api/queues/%2F/..</c> is <c>/api/queues/</c>. The other segments stay encoded.
/// </summary>
internal static class RequestPath
{
    /// <summary>The path with its dot segments resolved, or null when an escape is malformed.</summary>
    public static string? Normalize(string rawPath)
    {
        if (!HasWellFormedEscapes(rawPath))
        {
            return null;
        }

        if (!rawPath.Contains('.', StringComparison.Ordinal) && !rawPath.Contains("%2e", StringComparison.OrdinalIgnoreCase))
        {
            return rawPath;
        }

        var segments = rawPath.Split('/');
        List<string> output = [];
        for (var i = 1; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            switch (Uri.UnescapeDataString(segments[i]))
            {
                case ".":
                    AddTrailingSlashIf(last, output);
                    break;
                case "..":
                    if (output.Count > 0)
                    {
                        output.RemoveAt(output.Count - 1);
                    }

                    AddTrailingSlashIf(last, output);
                    break;
                default:
                    output.Add(segments[i]);
                    break;
            }
        }

        return "/" + string.Join('/', output);
    }

    /// <summary>A dot segment at the end leaves the path ending in a slash (<c>/a/b/..</c> is <c>/a/</c>).</summary>
    private static void AddTrailingSlashIf(bool last, List<string> output)
    {
        if (last)
        {
            output.Add("");
        }
    }

    private static bool HasWellFormedEscapes(string path)
    {
        for (var i = path.IndexOf('%', StringComparison.Ordinal); i >= 0; i = path.IndexOf('%', i + 1))
        {
            if (i + 2 >= path.Length || !Uri.IsHexDigit(path[i + 1]) || !Uri.IsHexDigit(path[i + 2]))
            {
                return false;
            }
        }

        return true;
    }
}
