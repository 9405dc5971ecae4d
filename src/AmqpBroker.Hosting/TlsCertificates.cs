using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>
/// The server certificate (with its key) and the client CAs, read from the PEM files of <see cref="TlsOptions"/>
/// and read again when one of those files changes, so a renewed certificate is served to new connections without
/// a restart (as LavinMQ does), or when <see cref="Reload"/> is called (on SIGHUP). A file caught half-written fails to load; the old certificate stays until the
/// next change event brings a complete one.
/// </summary>
internal sealed partial class TlsCertificates : IDisposable
{
    private readonly TlsOptions _options;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private volatile Loaded _loaded;

    private TlsCertificates(TlsOptions options, ILogger logger, Loaded loaded)
    {
        _options = options;
        _logger = logger;
        _loaded = loaded;
    }

    /// <summary>The certificate new TLS connections get.</summary>
    public X509Certificate2 Server => _loaded.Server;

    /// <summary>The CAs a client certificate must chain to; empty to use the system's trust store.</summary>
    public X509Certificate2Collection ClientAuthorities => _loaded.Authorities;

    /// <summary>Loads the files (a bad file is an error at start-up) and watches them.</summary>
    public static TlsCertificates Open(TlsOptions options, ILogger logger)
    {
        var certificates = new TlsCertificates(options, logger, Load(options));
        var files = new[] { options.CertFile, options.KeyFile, options.CaCertFile }.OfType<string>().Select(Path.GetFullPath).ToList();
        foreach (var directory in files.GroupBy(f => Path.GetDirectoryName(f)!))
        {
            var names = directory.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var watcher = new FileSystemWatcher(directory.Key) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, e) =>
            {
                if (names.Contains(e.Name ?? ""))
                {
                    certificates.Reload();
                }
            };
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Renamed += (_, e) => changed(watcher, e);
            watcher.EnableRaisingEvents = true;
            certificates._watchers.Add(watcher);
        }

        return certificates;
    }

    /// <summary>Reads the files again; keeps what it had when they do not load.</summary>
    public void Reload()
    {
        try
        {
            var loaded = Load(_options);
            if (loaded.Server.Thumbprint != _loaded.Server.Thumbprint || loaded.Authorities.Count != _loaded.Authorities.Count)
            {
                _loaded = loaded;
                Log.Reloaded(_logger, loaded.Server.Subject, loaded.Server.NotAfter);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Log.ReloadFailed(_logger, ex.Message);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private static Loaded Load(TlsOptions options)
    {
        var server = X509Certificate2.CreateFromPemFile(options.CertFile!, options.KeyFile);
        var authorities = new X509Certificate2Collection();
        if (options.CaCertFile is { Length: > 0 } caFile)
        {
            authorities.ImportFromPemFile(caFile);
        }

        return new Loaded(server, authorities);
    }

    private sealed record Loaded(X509Certificate2 Server, X509Certificate2Collection Authorities);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "CertificateReloaded", Level = LogLevel.Information, Message = "TLS certificate reloaded: {Subject}, valid until {NotAfter:u}")]
        public static partial void Reloaded(ILogger logger, string subject, DateTime notAfter);

        [LoggerMessage(EventId = 2, EventName = "CertificateReloadFailed", Level = LogLevel.Warning, Message = "TLS certificate files changed but could not be loaded (the previous certificate stays in use): {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string reason);
    }
}
