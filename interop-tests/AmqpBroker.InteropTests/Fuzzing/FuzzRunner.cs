using System.Net.Sockets;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// Sends fuzz cases to a broker, many connections at a time. Each case is one connection: the protocol
/// header, a valid login and channel.open when the case starts there, then the case's bytes, then the
/// client's half of the socket closed (at once, or after a while for a comparison with RabbitMQ). The broker must then close its half; a case it leaves open past
/// the deadline is reported as hung.
/// </summary>
/// <param name="host">The broker's address.</param>
/// <param name="port">Its AMQP port.</param>
/// <param name="virtualHost">The virtual host cases that log in open.</param>
/// <param name="holdOpen">How long the client's half stays open after a case's bytes unless a close method comes first; null closes it at once.</param>
internal sealed class FuzzRunner(string host, int port, string virtualHost = "/", TimeSpan? holdOpen = null)
{
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(10);

    private readonly byte[] _login =
    [
        .. Wire.Method(0, new ConnectionStartOk { Mechanism = "PLAIN", Response = "\0guest\0guest"u8.ToArray(), Locale = "en_US" }),
        .. Wire.Method(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072, Heartbeat = 0 }),
        .. Wire.Method(0, new ConnectionOpen { VirtualHost = virtualHost }),
        .. Wire.Method(1, new ChannelOpen()),
    ];

    /// <summary>Runs the cases; returns the ones the broker left hanging.</summary>
    public async Task<IReadOnlyList<FuzzCase>> RunAsync(IReadOnlyList<FuzzCase> cases, int concurrency)
    {
        var hung = new List<FuzzCase>();
        using var slots = new SemaphoreSlim(concurrency);
        var runs = cases.Select(async fuzzCase =>
        {
            await slots.WaitAsync();
            try
            {
                if (await OutcomeAsync(fuzzCase) == FuzzOutcome.Hung)
                {
                    lock (hung)
                    {
                        hung.Add(fuzzCase);
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        });
        await Task.WhenAll(runs);
        return hung;
    }

    /// <summary>Runs one case: how the broker ended its connection (or that it did not within the deadline).</summary>
    public async Task<FuzzOutcome> OutcomeAsync(FuzzCase fuzzCase)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(CaseDeadline);
        byte[] bytes = fuzzCase.Stage == FuzzStage.BeforeLogin
            ? [.. ProtocolHeader.Amqp091, .. fuzzCase.Bytes]
            : [.. ProtocolHeader.Amqp091, .. _login, .. fuzzCase.Bytes];
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token);
            await socket.SendAsync(bytes, deadline.Token);
            return await FuzzOutcome.ReadAsync(socket, holdOpen, deadline.Token);
        }
        catch (SocketException)
        {
            // Reset by the broker while our bytes were still arriving: closed all the same. A refused
            // connection is not this case's doing; the check after the batch finds a dead broker.
            return FuzzOutcome.Closed;
        }
        catch (OperationCanceledException)
        {
            return FuzzOutcome.Hung;
        }
    }
}
