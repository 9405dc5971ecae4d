using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Generated;

[TestFixture]
public sealed class ConstantsTests
{
    [Test]
    public void Frame_constants_have_the_spec_values()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((byte)FrameType.Method, Is.EqualTo(1));
            Assert.That((byte)FrameType.Header, Is.EqualTo(2));
            Assert.That((byte)FrameType.Body, Is.EqualTo(3));
            Assert.That((byte)FrameType.Heartbeat, Is.EqualTo(8));
            Assert.That(AmqpConstants.FrameMinSize, Is.EqualTo(4096));
            Assert.That(AmqpConstants.FrameEnd, Is.EqualTo(0xCE));
        }
    }

    [TestCase(ReplyCode.Success, 200, "REPLY_SUCCESS", false)]
    [TestCase(ReplyCode.ContentTooLarge, 311, "CONTENT_TOO_LARGE", false)]
    [TestCase(ReplyCode.NoRoute, 312, "NO_ROUTE", false)]
    [TestCase(ReplyCode.NoConsumers, 313, "NO_CONSUMERS", false)]
    [TestCase(ReplyCode.ConnectionForced, 320, "CONNECTION_FORCED", true)]
    [TestCase(ReplyCode.InvalidPath, 402, "INVALID_PATH", true)]
    [TestCase(ReplyCode.AccessRefused, 403, "ACCESS_REFUSED", false)]
    [TestCase(ReplyCode.NotFound, 404, "NOT_FOUND", false)]
    [TestCase(ReplyCode.ResourceLocked, 405, "RESOURCE_LOCKED", false)]
    [TestCase(ReplyCode.PreconditionFailed, 406, "PRECONDITION_FAILED", false)]
    [TestCase(ReplyCode.FrameError, 501, "FRAME_ERROR", true)]
    [TestCase(ReplyCode.SyntaxError, 502, "SYNTAX_ERROR", true)]
    [TestCase(ReplyCode.CommandInvalid, 503, "COMMAND_INVALID", true)]
    [TestCase(ReplyCode.ChannelError, 504, "CHANNEL_ERROR", true)]
    [TestCase(ReplyCode.UnexpectedFrame, 505, "UNEXPECTED_FRAME", true)]
    [TestCase(ReplyCode.ResourceError, 506, "RESOURCE_ERROR", true)]
    [TestCase(ReplyCode.NotAllowed, 530, "NOT_ALLOWED", true)]
    [TestCase(ReplyCode.NotImplemented, 540, "NOT_IMPLEMENTED", true)]
    [TestCase(ReplyCode.InternalError, 541, "INTERNAL_ERROR", true)]
    public void Reply_codes_match_the_spec(ReplyCode code, int value, string name, bool hard)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That((int)code, Is.EqualTo(value));
            Assert.That(ReplyCodes.Name(code), Is.EqualTo(name));
            Assert.That(ReplyCodes.IsHardError(code), Is.EqualTo(hard));
        }
    }

    [Test]
    public void Every_reply_code_is_covered()
    {
        Assert.That(Enum.GetValues<ReplyCode>(), Has.Length.EqualTo(19));
    }

    [Test]
    public void An_unknown_reply_codes_name_is_its_number()
    {
        Assert.That(ReplyCodes.Name((ReplyCode)599), Is.EqualTo("599"));
    }
}
