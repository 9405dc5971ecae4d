using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>The broker logs to the logger factory a test passes, naming connections by their client-provided name and user.</summary>
public class LoggingTests
{
    [Test]
    public async Task TheBrokerLogsToTheTestsLoggerFactory_NamingTheConnectionByNameAndUser()
    {
        var lines = new CollectingProvider();
        var loggers = LoggerFactory.Create(logging => logging.AddProvider(lines));
        var name = $"orders-api-{Guid.NewGuid():N}";
        await using (var broker = await TestBroker.StartAsync(o => o.LoggerFactory = loggers))
        {
            var factory = TestBroker.RecoveringFactory(broker, "logged");
            factory.ClientProvidedName = name;
            factory.AutomaticRecoveryEnabled = false;
            await using var connection = await factory.CreateConnectionAsync();
            await connection.CloseAsync();
        }

        Assert.That(lines.Messages, Has.Some.Match($@"-> 127\.0\.0\.1:\d+ \('{name}', user 'guest'\): user 'guest' authenticated"));
        Assert.That(lines.Messages, Has.Some.Contains($"('{name}', user 'guest'): client closed it"));
        // The factory is the test's: the broker leaves it usable after it stops.
        Assert.DoesNotThrow(() => loggers.CreateLogger("after"));
        loggers.Dispose();
    }

    private sealed class CollectingProvider : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
