using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>One log entry as the broker wrote it.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, string EventName, string Message);

/// <summary>A logger factory that keeps every entry, at every level, for a test to read.</summary>
internal sealed class RecordingLoggers : ILoggerFactory
{
    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Recorder(RecordingLoggers owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, eventId.Name ?? string.Empty, formatter(state, exception)));
    }
}
