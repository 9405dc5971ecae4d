using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>One line a component logged.</summary>
internal sealed record LoggedLine(string Category, LogLevel Level, EventId Event, string Message, Exception? Exception);

/// <summary>Loggers that keep every line, for tests that check what was logged.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LoggedLine> _lines = new();

    public IReadOnlyList<LoggedLine> Lines => [.. _lines];

    /// <summary>The lines logged with the event <paramref name="name"/>.</summary>
    public IReadOnlyList<LoggedLine> Named(string name) => [.. _lines.Where(l => l.Event.Name == name)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LoggedLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LoggedLine(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
