using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Errors;

/// <summary>
/// A protocol error with its AMQP reply code. Soft codes close the channel, hard codes the connection
/// (<see cref="IsConnectionError"/>); the server turns it into channel.close or connection.close in one place.
/// </summary>
public sealed class AmqpException : Exception
{
    public AmqpException(ReplyCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public ReplyCode Code { get; }

    public bool IsConnectionError => ReplyCodes.IsHardError(Code);

    /// <summary>
    /// RabbitMQ's reply-text form: <c>NOT_FOUND - no queue 'q' in vhost '/'</c>, or the name alone without an
    /// explanation (RabbitMQ's <c>INTERNAL_ERROR</c>). It must fit a short string, so like RabbitMQ a longer
    /// text is cut to 252 bytes followed by <c>...</c>.
    /// </summary>
    public string ReplyText => Message.Length == 0 ? ReplyCodes.Name(Code) : FitShortString($"{ReplyCodes.Name(Code)} - {Message}");

    private static string FitShortString(string text)
    {
        const int Limit = 255;
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= Limit)
        {
            return text;
        }

        var length = 0;
        var bytes = 0;
        while (length < text.Length)
        {
            var next = char.IsSurrogatePair(text, length) ? 2 : 1;
            var size = System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(length, next));
            if (bytes + size > Limit - 3)
            {
                break;
            }

            bytes += size;
            length += next;
        }

        return string.Concat(text.AsSpan(0, length), "...");
    }

    public static AmqpException NotFound(string message) => new(ReplyCode.NotFound, message);

    public static AmqpException AccessRefused(string message) => new(ReplyCode.AccessRefused, message);

    public static AmqpException ResourceLocked(string message) => new(ReplyCode.ResourceLocked, message);

    public static AmqpException PreconditionFailed(string message) => new(ReplyCode.PreconditionFailed, message);

    public static AmqpException NotAllowed(string message) => new(ReplyCode.NotAllowed, message);

    public static AmqpException CommandInvalid(string message) => new(ReplyCode.CommandInvalid, message);

    public static AmqpException ChannelError(string message) => new(ReplyCode.ChannelError, message);

    public static AmqpException UnexpectedFrame(string message) => new(ReplyCode.UnexpectedFrame, message);

    public static AmqpException FrameError(string message) => new(ReplyCode.FrameError, message);

    public static AmqpException SyntaxError(string message) => new(ReplyCode.SyntaxError, message);

    public static AmqpException NotImplemented(string message) => new(ReplyCode.NotImplemented, message);

    public static AmqpException ResourceError(string message) => new(ReplyCode.ResourceError, message);

    /// <summary>
    /// 541 INTERNAL_ERROR: with RabbitMQ's text where it gives one (a denied deprecated feature), and with its bare,
    /// empty text for inputs that crash RabbitMQ's own parsers (clients see exactly that).
    /// </summary>
    public static AmqpException InternalError(string message = "") => new(ReplyCode.InternalError, message);
}
