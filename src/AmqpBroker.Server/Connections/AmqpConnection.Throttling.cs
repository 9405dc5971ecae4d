namespace AmqpBroker.Server.Connections;

/// <summary>
/// What stops the read loop: a resource alarm (<see cref="PublisherBlocking"/>) or a queue behind its consumers
/// (<see cref="PublisherFlow"/>); and the connection's state as the admin API shows it, with RabbitMQ's names.
/// </summary>
internal sealed partial class AmqpConnection
{
    /// <summary>RabbitMQ shows <c>flow</c> while a connection is throttled and for 5 s after (rabbit_reader's state info).</summary>
    private static readonly TimeSpan FlowShownFor = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The read loop stopped short of what it received: waits until the alarm clears or the queue catches up (or
    /// the connection goes); out of budget, it yields its thread so that other connections' reads and the writers
    /// delivering to consumers run (fair scheduling).
    /// </summary>
    private async Task PauseReadingAsync()
    {
        if (_blocking.IsBlocked)
        {
            await _blocking.WaitUntilUnblockedAsync().ConfigureAwait(false);
        }
        else if (_flow.IsThrottled)
        {
            await _flow.WaitAsync(_closed.Task).ConfigureAwait(false);
        }
        else
        {
            await Task.Yield();
        }
    }

    /// <summary>
    /// RabbitMQ's connection state: <c>flow</c> when throttled now or lately and no alarm is raised; with an
    /// alarm, <c>blocked</c> once it published (and stopped being read) and <c>blocking</c> before; else
    /// <c>running</c>, or <c>closing</c> after connection.close. Called from the admin API's threads.
    /// </summary>
    private string DescribeState()
    {
        if (_state is ConnectionState.Closing or ConnectionState.Closed)
        {
            return "closing";
        }

        if (_broker.Alarm.Reason is not null)
        {
            return _blocking.IsBlocked ? "blocked" : "blocking";
        }

        return _flow.IsThrottled || _flow.WasInFlowWithin(FlowShownFor) ? "flow" : "running";
    }
}
