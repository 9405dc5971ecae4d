namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The open segment files of every durable queue, bounded like RabbitMQ's file handle cache: appends,
/// reads of paged messages and fsyncs take a file through <see cref="Acquire"/>, which opens it when it is
/// closed and first closes the least recently used idle files once the limit is reached. A queue therefore
/// costs a descriptor only while its file is in use or recently used, and the number of durable queues is
/// bounded by disk and memory, not by the process's descriptor limit. The limit is read on every open, as
/// it shrinks while AMQP sockets take descriptors.
/// </summary>
internal sealed class FileHandleCache(ISegmentFileSystem files, Func<int> limit, Core.Statistics.StorageCounters? counters = null)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<CachedFile> _recent = new();

    /// <summary>Files open now.</summary>
    public int OpenCount
    {
        get
        {
            lock (_lock)
            {
                return _recent.Count;
            }
        }
    }

    /// <summary>Opens (if need be) and pins <paramref name="file"/> until <see cref="Release"/>; IO errors of the open pass through.</summary>
    public ISegmentFile Acquire(CachedFile file)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(file.IsClosed, file);
            if (file.Handle is null)
            {
                if (file.WasOpened)
                {
                    counters?.OnReopen();
                }

                file.Handle = OpenLocked(file.Path);
                file.WasOpened = true;
            }
            else
            {
                _recent.Remove(file.Node);
            }

            _recent.AddLast(file.Node);
            file.Users++;
            return file.Handle;
        }
    }

    public void Release(CachedFile file)
    {
        lock (_lock)
        {
            if (--file.Users == 0 && file.IsClosed)
            {
                CloseHandleLocked(file);
            }
        }
    }

    /// <summary>The segment is gone (or its log closed): its handle closes now, or when its last user releases it.</summary>
    public void Close(CachedFile file)
    {
        lock (_lock)
        {
            if (file.IsClosed)
            {
                return;
            }

            file.IsClosed = true;
            if (file.Handle is not null)
            {
                _recent.Remove(file.Node);
                if (file.Users == 0)
                {
                    CloseHandleLocked(file);
                }
            }
        }
    }

    private ISegmentFile OpenLocked(string path)
    {
        EvictLocked(limit() - 1);
        try
        {
            return files.Open(path);
        }
        catch (IOException) when (_recent.Count > 0)
        {
            // Out of descriptors all the same (something else took them): give back half and try once more.
            EvictLocked(_recent.Count / 2);
        }

        return files.Open(path);
    }

    /// <summary>Closes idle files, least recently used first, until at most <paramref name="keep"/> are open.</summary>
    private void EvictLocked(int keep)
    {
        for (var node = _recent.First; node is not null && _recent.Count > keep;)
        {
            var next = node.Next;
            if (node.Value.Users == 0)
            {
                _recent.Remove(node);
                CloseHandleLocked(node.Value);
            }

            node = next;
        }
    }

    private static void CloseHandleLocked(CachedFile file)
    {
        file.Handle?.Dispose();
        file.Handle = null;
    }
}

/// <summary>A segment file as the <see cref="FileHandleCache"/> knows it; its fields are guarded by the cache.</summary>
internal sealed class CachedFile
{
    public CachedFile(string path)
    {
        Path = path;
        Node = new LinkedListNode<CachedFile>(this);
    }

    public string Path { get; }

    /// <summary>The open handle, or null while the file is closed.</summary>
    public ISegmentFile? Handle { get; set; }

    /// <summary>Callers between <see cref="FileHandleCache.Acquire"/> and <see cref="FileHandleCache.Release"/>: the handle is not closed under them.</summary>
    public int Users { get; set; }

    /// <summary>The file was open before: opening it again is a reopen (rabbitmq_io_reopen_ops_total).</summary>
    public bool WasOpened { get; set; }

    /// <summary>The segment is gone: the file is never opened again.</summary>
    public bool IsClosed { get; set; }

    /// <summary>The file's place in the cache's recency list, made once so that moving it allocates nothing.</summary>
    public LinkedListNode<CachedFile> Node { get; }
}
