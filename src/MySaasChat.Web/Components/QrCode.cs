using System.Globalization;
using System.Text;

namespace MySaasChat.Web.Components;

/// <summary>
/// A QR code (byte mode, error correction level M, versions 1–10: up to 213 bytes, plenty for an
/// otpauth URI) drawn as SVG, so setting up two-factor needs no third-party script or image service.
/// Follows ISO/IEC 18004; the structure mirrors the well-known reference implementations.
/// </summary>
public static class QrCode
{
    // Level M, index = version.
    private static readonly int[] EccPerBlock = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
    private static readonly int[] Blocks = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5];
    private const int FormatBitsM = 0;

    public static string ToSvg(string text)
    {
        var modules = Encode(Encoding.UTF8.GetBytes(text));
        var size = modules.GetLength(0);
        const int quiet = 4;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (modules[y, x]) path.Append(CultureInfo.InvariantCulture, $"M{x + quiet},{y + quiet}h1v1h-1z");
            }
        }
        var full = size + 2 * quiet;
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" shape-rendering=\"crispEdges\">" +
               $"<rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>";
    }

    /// <summary>The module matrix [row, column]; true is dark.</summary>
    public static bool[,] Encode(byte[] data)
    {
        var version = 1;
        for (; version <= 10; version++)
        {
            var capacityBits = DataCodewords(version) * 8;
            var needed = 4 + (version < 10 ? 8 : 16) + data.Length * 8;
            if (needed <= capacityBits) break;
        }
        if (version > 10) throw new ArgumentException("Text too long for a version 1–10 QR code.", nameof(data));

        // Bit stream: mode, count, bytes, terminator, padding.
        var bits = new List<bool>();
        void Append(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--) bits.Add(((value >> i) & 1) != 0);
        }
        Append(0b0100, 4);
        Append(data.Length, version < 10 ? 8 : 16);
        foreach (var b in data) Append(b, 8);
        var capacity = DataCodewords(version) * 8;
        Append(0, Math.Min(4, capacity - bits.Count));
        Append(0, (8 - bits.Count % 8) % 8);
        for (var pad = 0xEC; bits.Count < capacity; pad ^= 0xEC ^ 0x11) Append(pad, 8);
        var codewords = new byte[bits.Count / 8];
        for (var i = 0; i < bits.Count; i++) if (bits[i]) codewords[i >> 3] |= (byte)(1 << (7 - (i & 7)));

        var all = AddEccAndInterleave(codewords, version);
        var qr = new Matrix(version);
        qr.DrawFunctionPatterns();
        qr.DrawCodewords(all);

        var best = 0;
        var bestPenalty = int.MaxValue;
        for (var mask = 0; mask < 8; mask++)
        {
            qr.ApplyMask(mask);
            qr.DrawFormatBits(mask);
            var penalty = qr.Penalty();
            if (penalty < bestPenalty) { best = mask; bestPenalty = penalty; }
            qr.ApplyMask(mask); // masking twice undoes it
        }
        qr.ApplyMask(best);
        qr.DrawFormatBits(best);
        return qr.Modules;
    }

    private static int RawDataModules(int version)
    {
        var result = (16 * version + 128) * version + 64;
        if (version >= 2)
        {
            var align = version / 7 + 2;
            result -= (25 * align - 10) * align - 55;
            if (version >= 7) result -= 36;
        }
        return result;
    }

    private static int DataCodewords(int version) => RawDataModules(version) / 8 - EccPerBlock[version] * Blocks[version];

    private static byte[] AddEccAndInterleave(byte[] data, int version)
    {
        var numBlocks = Blocks[version];
        var eccLength = EccPerBlock[version];
        var rawCodewords = RawDataModules(version) / 8;
        var shortBlocks = numBlocks - rawCodewords % numBlocks;
        var shortLength = rawCodewords / numBlocks;
        var divisor = Divisor(eccLength);
        var blocks = new List<byte[]>();
        for (int i = 0, k = 0; i < numBlocks; i++)
        {
            var length = shortLength - eccLength + (i < shortBlocks ? 0 : 1);
            var dat = data[k..(k + length)];
            k += length;
            var ecc = Remainder(dat, divisor);
            var block = new byte[shortLength + 1];
            dat.CopyTo(block, 0);
            ecc.CopyTo(block, block.Length - eccLength);
            blocks.Add(block);
        }
        var result = new List<byte>(rawCodewords);
        for (var i = 0; i < blocks[0].Length; i++)
        {
            for (var j = 0; j < blocks.Count; j++)
            {
                // Short blocks have a hole where long blocks carry one more data byte.
                if (i != shortLength - eccLength || j >= shortBlocks) result.Add(blocks[j][i]);
            }
        }
        return [.. result];
    }

    private static byte[] Divisor(int degree)
    {
        var result = new byte[degree];
        result[degree - 1] = 1;
        var root = 1;
        for (var i = 0; i < degree; i++)
        {
            for (var j = 0; j < degree; j++)
            {
                result[j] = (byte)Multiply(result[j], root);
                if (j + 1 < degree) result[j] ^= result[j + 1];
            }
            root = Multiply(root, 0x02);
        }
        return result;
    }

    private static byte[] Remainder(byte[] data, byte[] divisor)
    {
        var result = new byte[divisor.Length];
        foreach (var b in data)
        {
            var factor = b ^ result[0];
            Array.Copy(result, 1, result, 0, result.Length - 1);
            result[^1] = 0;
            for (var i = 0; i < result.Length; i++) result[i] ^= (byte)Multiply(divisor[i], factor);
        }
        return result;
    }

    private static int Multiply(int x, int y)
    {
        var z = 0;
        for (var i = 7; i >= 0; i--)
        {
            z = (z << 1) ^ ((z >> 7) * 0x11D);
            z ^= ((y >> i) & 1) * x;
        }
        return z & 0xFF;
    }

    private sealed class Matrix(int version)
    {
        private readonly int _size = version * 4 + 17;
        public bool[,] Modules { get; } = new bool[version * 4 + 17, version * 4 + 17];
        private readonly bool[,] _function = new bool[version * 4 + 17, version * 4 + 17];

        private void Set(int x, int y, bool dark)
        {
            Modules[y, x] = dark;
            _function[y, x] = true;
        }

        public void DrawFunctionPatterns()
        {
            for (var i = 0; i < _size; i++)
            {
                Set(6, i, i % 2 == 0);
                Set(i, 6, i % 2 == 0);
            }
            Finder(3, 3);
            Finder(_size - 4, 3);
            Finder(3, _size - 4);
            var positions = AlignmentPositions();
            var n = positions.Length;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    if ((i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0)) continue;
                    for (var dy = -2; dy <= 2; dy++)
                        for (var dx = -2; dx <= 2; dx++)
                            Set(positions[i] + dx, positions[j] + dy, Math.Max(Math.Abs(dx), Math.Abs(dy)) != 1);
                }
            }
            DrawFormatBits(0);
            if (version >= 7)
            {
                var rem = version;
                for (var i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
                var bits = version << 12 | rem;
                for (var i = 0; i < 18; i++)
                {
                    var bit = ((bits >> i) & 1) != 0;
                    int a = _size - 11 + i % 3, b = i / 3;
                    Set(a, b, bit);
                    Set(b, a, bit);
                }
            }
        }

        private void Finder(int x, int y)
        {
            for (var dy = -4; dy <= 4; dy++)
            {
                for (var dx = -4; dx <= 4; dx++)
                {
                    var dist = Math.Max(Math.Abs(dx), Math.Abs(dy));
                    int xx = x + dx, yy = y + dy;
                    if (xx >= 0 && xx < _size && yy >= 0 && yy < _size) Set(xx, yy, dist != 2 && dist != 4);
                }
            }
        }

        private int[] AlignmentPositions()
        {
            if (version == 1) return [];
            var count = version / 7 + 2;
            var step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
            var result = new int[count];
            result[0] = 6;
            for (int i = count - 1, pos = _size - 7; i >= 1; i--, pos -= step) result[i] = pos;
            return result;
        }

        public void DrawFormatBits(int mask)
        {
            var data = FormatBitsM << 3 | mask;
            var rem = data;
            for (var i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
            var bits = (data << 10 | rem) ^ 0x5412;
            bool Bit(int i) => ((bits >> i) & 1) != 0;
            for (var i = 0; i <= 5; i++) Set(8, i, Bit(i));
            Set(8, 7, Bit(6));
            Set(8, 8, Bit(7));
            Set(7, 8, Bit(8));
            for (var i = 9; i < 15; i++) Set(14 - i, 8, Bit(i));
            for (var i = 0; i < 8; i++) Set(_size - 1 - i, 8, Bit(i));
            for (var i = 8; i < 15; i++) Set(8, _size - 15 + i, Bit(i));
            Set(8, _size - 8, true);
        }

        public void DrawCodewords(byte[] data)
        {
            var i = 0;
            for (var right = _size - 1; right >= 1; right -= 2)
            {
                if (right == 6) right = 5;
                for (var vert = 0; vert < _size; vert++)
                {
                    for (var j = 0; j < 2; j++)
                    {
                        var x = right - j;
                        var upward = ((right + 1) & 2) == 0;
                        var y = upward ? _size - 1 - vert : vert;
                        if (!_function[y, x] && i < data.Length * 8)
                        {
                            Modules[y, x] = ((data[i >> 3] >> (7 - (i & 7))) & 1) != 0;
                            i++;
                        }
                    }
                }
            }
        }

        public void ApplyMask(int mask)
        {
            for (var y = 0; y < _size; y++)
            {
                for (var x = 0; x < _size; x++)
                {
                    if (_function[y, x]) continue;
                    var invert = mask switch
                    {
                        0 => (x + y) % 2 == 0,
                        1 => y % 2 == 0,
                        2 => x % 3 == 0,
                        3 => (x + y) % 3 == 0,
                        4 => (x / 3 + y / 2) % 2 == 0,
                        5 => x * y % 2 + x * y % 3 == 0,
                        6 => (x * y % 2 + x * y % 3) % 2 == 0,
                        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
                    };
                    if (invert) Modules[y, x] = !Modules[y, x];
                }
            }
        }

        /// <summary>A simplified penalty (runs, 2×2 blocks, dark balance): enough to avoid masks that scan badly.</summary>
        public int Penalty()
        {
            var penalty = 0;
            var dark = 0;
            for (var a = 0; a < _size; a++)
            {
                int runRow = 1, runCol = 1;
                for (var b = 0; b < _size; b++)
                {
                    if (Modules[a, b]) dark++;
                    if (b == 0) continue;
                    if (Modules[a, b] == Modules[a, b - 1]) { runRow++; if (runRow == 5) penalty += 3; else if (runRow > 5) penalty++; } else runRow = 1;
                    if (Modules[b, a] == Modules[b - 1, a]) { runCol++; if (runCol == 5) penalty += 3; else if (runCol > 5) penalty++; } else runCol = 1;
                }
            }
            for (var y = 0; y < _size - 1; y++)
                for (var x = 0; x < _size - 1; x++)
                {
                    var c = Modules[y, x];
                    if (c == Modules[y, x + 1] && c == Modules[y + 1, x] && c == Modules[y + 1, x + 1]) penalty += 3;
                }
            var total = _size * _size;
            var k = (Math.Abs(dark * 20 - total * 10) + total - 1) / total - 1;
            return penalty + Math.Max(0, k) * 10;
        }
    }
}
