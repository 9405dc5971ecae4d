using Microsoft.AspNetCore.Http.Features;

namespace AmqpBroker.Management.Http;

/// <summary>
/// HEAD answers carry the <c>content-length</c> of the body a GET would have sent, as cowboy_rest's do (RabbitMQ 3.10.8
/// checked with curl). The body of a HEAD request goes to a stream that only counts it (Kestrel would drop it anyway), so
/// nothing is sent until the handler is done; GET answers keep streaming.
/// </summary>
internal sealed class HeadContentLength(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counter = new CountingStream();
        var counting = new StreamResponseBodyFeature(counter);
        context.Features.Set<IHttpResponseBodyFeature>(counting);
        try
        {
            await next(context).ConfigureAwait(false);
            await counting.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(original);
        }

        var status = context.Response.StatusCode;
        if (!context.Response.HasStarted && context.Response.ContentLength is null && status >= 200 && status is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
        {
            context.Response.ContentLength = counter.Length;
        }
    }

    /// <summary>A write-only stream that counts what is written to it and keeps none of it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
