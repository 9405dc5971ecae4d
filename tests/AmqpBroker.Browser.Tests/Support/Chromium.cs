namespace AmqpBroker.Browser.Tests.Support;

/// <summary>
/// Finds the system's Chromium (Debian's <c>chromium</c> package): Playwright drives it as it is, so no
/// browser is ever downloaded. <c>CHROMIUM_PATH</c> overrides the search.
/// </summary>
internal static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>Flags for a quiet, offline, headless run in a container (no sandbox, no GPU, no background traffic).</summary>
    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    public static string? Find() =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
            ? (File.Exists(configured) ? configured : null)
            : Candidates.FirstOrDefault(File.Exists);
}
