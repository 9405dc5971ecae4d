using AmqpBroker.LoadGen;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(LoadGenOptions.Usage);
    return 0;
}

LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Message}\n\n{LoadGenOptions.Usage}");
    return 2;
}

if (options.AwaitMessages > 0)
{
    return await new QueueProbe(options).RunAsync();
}

// Every step has its own timeout; this is the backstop that guarantees the process ends whatever the broker does.
var deadline = LoadRun.SetupTimeout + TimeSpan.FromSeconds(options.DurationSeconds) + LoadRun.TeardownTimeout;
var run = new LoadRun(options).ExecuteAsync();
try
{
    var summary = await run.WaitAsync(deadline);
    summary.WriteText(Console.Out);
    if (options.Json)
    {
        Console.WriteLine(summary.ToJson());
    }
    return summary.Error is null ? 0 : 1;
}
catch (TimeoutException) when (!run.IsCompleted)
{
    await Console.Error.WriteLineAsync($"load run did not finish within {deadline.TotalSeconds:F0} s; giving up");
    return 1;
}
catch (Exception ex) when (ex is IOException or RabbitMQ.Client.Exceptions.RabbitMQClientException or OperationCanceledException or TimeoutException)
{
    await Console.Error.WriteLineAsync($"load run failed: {ex.Message}");
    return 1;
}
