using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Gasleser.Hosting
{
    /// <summary>
    /// The private folder that holds the slot files (and the known devices, the remembered searches), and the checks that keep it private. Slot files are
    /// written by every process of this user, so the folder must be one nobody else can write to: another
    /// local user who could plant a file there could hold the user's devices forever, and one who could plant
    /// a symbolic link could make the module overwrite a file of the user's. On Unix the folder is
    /// <c>/tmp/gasleser-&lt;uid&gt;</c> (see <see cref="DefaultPath"/>), made with mode 0700 and checked before every use: a real folder (not a link), owned by
    /// this user, writable by nobody else. A slot file that is a link is never opened. On Windows the folder
    /// lives in the user's local application data and the same no-link rule holds.
    /// </summary>
    internal static class PrivateFolder
    {
        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// Where the files of this user go by default: one folder for every process of the user, whatever its
        /// environment says. A login shell has XDG_RUNTIME_DIR and its own TMPDIR, a cron job or a systemd timer
        /// has neither (nor HOME); if each picked its folder from its environment they would not share the
        /// device's turn (self-inflicted 429s) nor the known devices. So on Unix it is always
        /// <c>/tmp/gasleser-&lt;uid&gt;</c> (the uid from the kernel, not from a variable), and on Windows the
        /// user profile's local application data folder (from the profile, not from %TEMP%).
        /// </summary>
        public static string DefaultPath()
        {
            if (IsWindows)
            {
                string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return Path.Combine(local.Length > 0 ? local : Path.GetTempPath(), "Gasleser");
            }

            string user;
            try
            {
                user = Unix.GetEUid().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                user = Environment.UserName;
            }

            return "/tmp/gasleser-" + user;
        }

        /// <summary>
        /// Makes the folder when it is missing (mode 0700 on Unix) and checks that it is safe to use.
        /// Returns null when it is, otherwise why not (for the -Verbose note).
        /// </summary>
        public static string? Prepare(string folder)
        {
            if (IsWindows)
            {
                Directory.CreateDirectory(folder);
                return (File.GetAttributes(folder) & FileAttributes.ReparsePoint) != 0 ? $"the folder {folder} is a link" : null;
            }

            try
            {
                if (!Unix.TryLStat(folder, out Unix.Status status))
                {
                    Unix.MkDir(folder, PrivateFolderMode);
                    if (!Unix.TryLStat(folder, out status))
                    {
                        return $"the folder {folder} could not be made";
                    }
                }

                if (status.IsLink || !status.IsDirectory)
                {
                    return $"{folder} is not a real folder (a link or a file)";
                }

                if (status.Owner != Unix.GetEUid())
                {
                    return $"the folder {folder} belongs to another user";
                }

                if ((status.Permissions & WritableByOthers) != 0)
                {
                    return $"the folder {folder} can be written by other users";
                }

                return null;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return "this platform gives no way to check who owns the folder " + folder;
            }
        }

        /// <summary>
        /// The text (UTF-8) of a small file of this folder's kind, or null when there is none to trust: missing, not a
        /// plain file (a planted link is never followed), longer than <paramref name="maxBytes"/> (never read past
        /// it, even when the file grows meanwhile), or unreadable.
        /// </summary>
        public static string? ReadSmallFile(string path, int maxBytes)
        {
            try
            {
                var file = new FileInfo(path);
                if (!file.Exists || IsNotAPlainFile(path) || file.Length > maxBytes)
                {
                    return null;
                }

                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var buffer = new byte[maxBytes];
                int length = 0, read;
                while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                {
                    length += read;
                }

                return Encoding.UTF8.GetString(buffer, 0, length);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                return null;
            }
        }

        /// <summary>
        /// Makes <paramref name="text"/> (UTF-8) the content of <paramref name="path"/>: written to a new file of our own,
        /// then renamed over the old one, so a reader never sees half a file and a link planted at the name is
        /// replaced, never written through. False, writing nothing, when the folder is not private (see
        /// <see cref="Prepare"/>); an I/O failure (two processes at once, a full disk) is the caller's to weigh.
        /// </summary>
        public static bool ReplaceFile(string path, string text)
        {
            string directory = Path.GetDirectoryName(path)!;
            if (Prepare(directory) != null)
            {
                return false;
            }

            string temporary = Path.Combine(directory, Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                }

                File.Delete(path); // nothing there is no error; a link planted there goes

                File.Move(temporary, path);
                return true;
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        /// <summary>
        /// True when something other than a plain file sits at <paramref name="path"/>: a symbolic link (or
        /// another reparse point), a folder, a pipe. Looked at without following links; where that cannot be
        /// done, true. False when nothing is there.
        /// </summary>
        public static bool IsNotAPlainFile(string path)
        {
            if (IsWindows)
            {
                try
                {
                    return (File.GetAttributes(path) & (FileAttributes.ReparsePoint | FileAttributes.Directory)) != 0;
                }
                catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
                {
                    return false;
                }
            }

            try
            {
                return Unix.TryLStat(path, out Unix.Status status) && (status.IsLink || !status.IsRegularFile);
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return true; // no way to look without following a link: treat it as one
            }
        }

        private const int PrivateFolderMode = 0x1C0; // 0700
        private const int WritableByOthers = 0x12;   // 0022: group or others may write

        /// <summary>
        /// lstat, mkdir and geteuid through the .NET runtime's own native shim (libSystem.Native, loaded in
        /// every .NET process on Unix): its FileStatus record starts with the same four 32-bit fields —
        /// flags, st_mode, st_uid, st_gid — on every platform and version, unlike libc's struct stat.
        /// </summary>
        private static class Unix
        {
            private const string Shim = "libSystem.Native";
            private const int TypeMask = 0xF000, Directory = 0x4000, RegularFile = 0x8000, SymbolicLink = 0xA000;

            public readonly struct Status
            {
                public Status(int mode, uint owner)
                {
                    Mode = mode;
                    Owner = owner;
                }

                public int Mode { get; }

                public uint Owner { get; }

                public int Permissions => Mode & 0xFFF;

                public bool IsLink => (Mode & TypeMask) == SymbolicLink;

                public bool IsDirectory => (Mode & TypeMask) == Directory;

                public bool IsRegularFile => (Mode & TypeMask) == RegularFile;
            }

            public static bool TryLStat(string path, out Status status)
            {
                var record = new byte[512]; // larger than FileStatus on any runtime
                if (SystemNative_LStat(path, record) != 0)
                {
                    status = default;
                    return false;
                }

                status = new Status(BitConverter.ToInt32(record, 4), BitConverter.ToUInt32(record, 8));
                return true;
            }

            public static void MkDir(string path, int mode) => SystemNative_MkDir(path, mode);

            public static uint GetEUid() => SystemNative_GetEUid();

            [DllImport(Shim)]
            private static extern int SystemNative_LStat(string path, [Out] byte[] output);

            [DllImport(Shim)]
            private static extern int SystemNative_MkDir(string path, int mode);

            [DllImport(Shim)]
            private static extern uint SystemNative_GetEUid();
        }
    }
}
