using System.Buffers;
using System.Net;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// How a connection ends when its input is unusable, as RabbitMQ ends it: a handshake that fails is not
/// answered (a refused login only when the client asked to be told), and its socket is held for a moment
/// before it is closed, so guessing passwords is slow; undecodable arguments are FRAME_ERROR on a channel and
/// INTERNAL_ERROR on channel 0 or in a content header, where RabbitMQ's decoder crashes.
/// </summary>
internal sealed partial class AmqpConnection
{
    /// <summary>Set when the handshake failed: what is still to be said, and after how long.</summary>
    private HandshakeFailure? _failure;

    private IPAddress? PeerAddress => (_transport.RemoteEndPoint as IPEndPoint)?.Address;

    /// <summary>The byte stream can no longer be trusted: say why (unless the handshake is not past tune-ok) and stop reading.</summary>
    private void OnFrameFormatError(FrameFormatException error)
    {
        if (_state == ConnectionState.Handshake && _handshake.IsBeforeTuneOk)
        {
            FailHandshake($"FRAME_ERROR - {error.Message}");
            return;
        }

        CloseConnection(ReplyCode.FrameError, $"FRAME_ERROR - {error.Message}", 0, 0);
        _state = ConnectionState.Closed;
    }

    /// <summary>Arguments or properties that do not decode.</summary>
    private void OnUndecodable(in Frame frame, AmqpFormatException error, ushort classId, ushort methodId)
    {
        if (_state == ConnectionState.Handshake)
        {
            FailHandshake($"cannot decode {CommandInfo.GetName(((uint)classId << 16) | methodId)}: {error.Message}");
        }
        else if (frame.Type == FrameType.Method && frame.Channel != 0)
        {
            ConnectionLog.Undecodable(_logger, LogName, error.Message);
            var arguments = frame.Payload.Slice(4, Math.Min(frame.Payload.Length - 4, 128)).ToArray();
            CloseConnection(ReplyCode.FrameError, AmqpException.FrameError($"cannot decode {ErlangBinary.Numbers(arguments)}").ReplyText, classId, methodId);
        }
        else
        {
            ConnectionLog.Undecodable(_logger, LogName, error.Message);
            CloseConnection(ReplyCode.InternalError, "INTERNAL_ERROR", 0, 0);
        }
    }

    /// <summary>A refused login: logged with the peer's address and counted; the answer waits while the address keeps failing.</summary>
    private void OnLoginRefused(LoginRefusedException refusal)
    {
        var delay = _broker.LoginBrake.OnFailure(PeerAddress);
        ConnectionLog.LoginRefused(_logger, PeerAddress?.ToString() ?? "", refusal.Mechanism, refusal.UserName, refusal.Message, delay.TotalMilliseconds);
        var answer = _handshake.ReportsLoginFailure
            ? new ConnectionClose { ReplyCode = (ushort)ReplyCode.AccessRefused, ReplyText = refusal.ReplyText }
            : (ConnectionClose?)null;
        FailHandshake(refusal.Message, answer, delay);
    }

    /// <summary>Stops reading; <see cref="FinishFailedHandshakeAsync"/> then answers (if at all) and closes.</summary>
    private void FailHandshake(string reason, ConnectionClose? answer = null, TimeSpan answerDelay = default)
    {
        ConnectionLog.HandshakeFailed(_logger, LogName, reason);
        _failure = new HandshakeFailure(answer, answerDelay);
        _state = ConnectionState.Closed;
    }

    /// <summary>The waits end early when the client goes away: holding a socket nobody reads proves nothing.</summary>
    private async Task FinishFailedHandshakeAsync(HandshakeFailure failure)
    {
        var closed = _transport.ConnectionClosed;
        await HoldAsync(failure.AnswerDelay, closed).ConfigureAwait(false);
        if (failure.Answer is { } close)
        {
            _writer.EnqueueMethod(0, close);
        }

        await HoldAsync(_broker.Settings.FailedHandshakeCloseDelay, closed).ConfigureAwait(false);
    }

    private async Task HoldAsync(TimeSpan delay, CancellationToken closed)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _broker.Time, closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client closed the connection first.
        }
    }

    private sealed record HandshakeFailure(ConnectionClose? Answer, TimeSpan AnswerDelay);
}
