import { createRequire as __pakmanCreateRequire } from 'node:module';const require = __pakmanCreateRequire(import.meta.url);
import {
  DEFAULT_RETRY,
  PART_SIZE,
  PushError,
  S3Client,
  describeNetworkError,
  eachAtOnce,
  excerpt,
  isTransientStatus,
  parseRepository,
  readTree,
  retryAfterMs,
  slugify,
  stopReason,
  withRetry
} from "./chunk-BZOD6BNK.js";
import {
  require_dist
} from "./chunk-3A2CDBIY.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-566SJ2D4.js";

// node_modules/yazl/index.js
var require_yazl = __commonJS({
  "node_modules/yazl/index.js"(exports) {
    var fs = __require("fs");
    var Transform = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var zlib = __require("zlib");
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var errorMonitor = __require("events").errorMonitor;
    var crc32 = require_dist();
    exports.ZipFile = ZipFile2;
    exports.dateToDosDateTime = dateToDosDateTime;
    util.inherits(ZipFile2, EventEmitter);
    function ZipFile2() {
      this.outputStream = new PassThrough();
      this.entries = [];
      this.outputStreamCursor = 0;
      this.ended = false;
      this.allDone = false;
      this.forceZip64Eocd = false;
      this.errored = false;
      this.on(errorMonitor, function() {
        this.errored = true;
      });
    }
    ZipFile2.prototype.addFile = function(realPath, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (options == null) options = {};
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      self.entries.push(entry);
      fs.stat(realPath, function(err, stats) {
        if (err) return self.emit("error", err);
        if (!stats.isFile()) return self.emit("error", new Error("not a file: " + realPath));
        entry.uncompressedSize = stats.size;
        if (options.mtime == null) entry.setLastModDate(stats.mtime);
        if (options.mode == null) entry.setFileAttributesMode(stats.mode);
        entry.setFileDataPumpFunction(function() {
          var readStream = fs.createReadStream(realPath);
          entry.state = Entry.FILE_DATA_IN_PROGRESS;
          readStream.on("error", function(err2) {
            self.emit("error", err2);
          });
          pumpFileDataReadStream(self, entry, readStream);
        });
        pumpEntries(self);
      });
    };
    ZipFile2.prototype.addReadStream = function(readStream, metadataPath, options) {
      this.addReadStreamLazy(metadataPath, options, function(cb) {
        cb(null, readStream);
      });
    };
    ZipFile2.prototype.addReadStreamLazy = function(metadataPath, options, getReadStreamFunction) {
      var self = this;
      if (typeof options === "function") {
        getReadStreamFunction = options;
        options = null;
      }
      if (options == null) options = {};
      metadataPath = validateMetadataPath(metadataPath, false);
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      self.entries.push(entry);
      entry.setFileDataPumpFunction(function() {
        entry.state = Entry.FILE_DATA_IN_PROGRESS;
        getReadStreamFunction(function(err, readStream) {
          if (err) return self.emit("error", err);
          pumpFileDataReadStream(self, entry, readStream);
        });
      });
      pumpEntries(self);
    };
    ZipFile2.prototype.addBuffer = function(buffer, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (buffer.length > 1073741823) throw new Error("buffer too large: " + buffer.length + " > 1073741823");
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      entry.uncompressedSize = buffer.length;
      entry.crc32 = crc32.unsigned(buffer);
      entry.crcAndFileSizeKnown = true;
      self.entries.push(entry);
      if (entry.compressionLevel === 0) {
        setCompressedBuffer(buffer);
      } else {
        zlib.deflateRaw(buffer, { level: entry.compressionLevel }, function(err, compressedBuffer) {
          setCompressedBuffer(compressedBuffer);
        });
      }
      function setCompressedBuffer(compressedBuffer) {
        entry.compressedSize = compressedBuffer.length;
        entry.setFileDataPumpFunction(function() {
          writeToOutputStream(self, compressedBuffer);
          writeToOutputStream(self, entry.getDataDescriptor());
          entry.state = Entry.FILE_DATA_DONE;
          setImmediate(function() {
            pumpEntries(self);
          });
        });
        pumpEntries(self);
      }
    };
    ZipFile2.prototype.addEmptyDirectory = function(metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, true);
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (options.compress != null) throw new Error("options.compress not allowed");
      if (options.compressionLevel != null) throw new Error("options.compressionLevel not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, true, options);
      self.entries.push(entry);
      entry.setFileDataPumpFunction(function() {
        writeToOutputStream(self, entry.getDataDescriptor());
        entry.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
      pumpEntries(self);
    };
    var eocdrSignatureBuffer = bufferFrom([80, 75, 5, 6]);
    ZipFile2.prototype.end = function(options, calculatedTotalSizeCallback) {
      if (typeof options === "function") {
        calculatedTotalSizeCallback = options;
        options = null;
      }
      if (options == null) options = {};
      if (this.ended) return;
      this.ended = true;
      if (this.errored) return;
      this.calculatedTotalSizeCallback = calculatedTotalSizeCallback;
      this.forceZip64Eocd = !!options.forceZip64Format;
      if (options.comment) {
        if (typeof options.comment === "string") {
          this.comment = encodeCp437(options.comment);
        } else {
          this.comment = options.comment;
        }
        if (this.comment.length > 65535) throw new Error("comment is too large");
        if (bufferIncludes(this.comment, eocdrSignatureBuffer)) throw new Error("comment contains end of central directory record signature");
      } else {
        this.comment = EMPTY_BUFFER;
      }
      pumpEntries(this);
    };
    function writeToOutputStream(self, buffer) {
      self.outputStream.write(buffer);
      self.outputStreamCursor += buffer.length;
    }
    function pumpFileDataReadStream(self, entry, readStream) {
      var crc32Watcher = new Crc32Watcher();
      var uncompressedSizeCounter = new ByteCounter();
      var compressor = entry.compressionLevel !== 0 ? new zlib.DeflateRaw({ level: entry.compressionLevel }) : new PassThrough();
      var compressedSizeCounter = new ByteCounter();
      readStream.pipe(crc32Watcher).pipe(uncompressedSizeCounter).pipe(compressor).pipe(compressedSizeCounter).pipe(self.outputStream, { end: false });
      compressedSizeCounter.on("end", function() {
        entry.crc32 = crc32Watcher.crc32;
        if (entry.uncompressedSize == null) {
          entry.uncompressedSize = uncompressedSizeCounter.byteCount;
        } else {
          if (entry.uncompressedSize !== uncompressedSizeCounter.byteCount) return self.emit("error", new Error("file data stream has unexpected number of bytes"));
        }
        entry.compressedSize = compressedSizeCounter.byteCount;
        self.outputStreamCursor += entry.compressedSize;
        writeToOutputStream(self, entry.getDataDescriptor());
        entry.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
    }
    function determineCompressionLevel(options) {
      if (options.compress != null && options.compressionLevel != null) {
        if (!!options.compress !== !!options.compressionLevel) throw new Error("conflicting settings for compress and compressionLevel");
      }
      if (options.compressionLevel != null) return options.compressionLevel;
      if (options.compress === false) return 0;
      return 6;
    }
    function pumpEntries(self) {
      if (self.allDone || self.errored) return;
      if (self.ended && self.calculatedTotalSizeCallback != null) {
        var calculatedTotalSize = calculateTotalSize(self);
        if (calculatedTotalSize != null) {
          self.calculatedTotalSizeCallback(calculatedTotalSize);
          self.calculatedTotalSizeCallback = null;
        }
      }
      var entry = getFirstNotDoneEntry();
      function getFirstNotDoneEntry() {
        for (var i = 0; i < self.entries.length; i++) {
          var entry2 = self.entries[i];
          if (entry2.state < Entry.FILE_DATA_DONE) return entry2;
        }
        return null;
      }
      if (entry != null) {
        if (entry.state < Entry.READY_TO_PUMP_FILE_DATA) return;
        if (entry.state === Entry.FILE_DATA_IN_PROGRESS) return;
        entry.relativeOffsetOfLocalHeader = self.outputStreamCursor;
        var localFileHeader = entry.getLocalFileHeader();
        writeToOutputStream(self, localFileHeader);
        entry.doFileDataPump();
      } else {
        if (self.ended) {
          self.offsetOfStartOfCentralDirectory = self.outputStreamCursor;
          self.entries.forEach(function(entry2) {
            var centralDirectoryRecord = entry2.getCentralDirectoryRecord();
            writeToOutputStream(self, centralDirectoryRecord);
          });
          writeToOutputStream(self, getEndOfCentralDirectoryRecord(self));
          self.outputStream.end();
          self.allDone = true;
        }
      }
    }
    function calculateTotalSize(self) {
      var pretendOutputCursor = 0;
      var centralDirectorySize = 0;
      for (var i = 0; i < self.entries.length; i++) {
        var entry = self.entries[i];
        if (entry.compressionLevel !== 0) return -1;
        if (entry.state >= Entry.READY_TO_PUMP_FILE_DATA) {
          if (entry.uncompressedSize == null) return -1;
        } else {
          if (entry.uncompressedSize == null) return null;
        }
        entry.relativeOffsetOfLocalHeader = pretendOutputCursor;
        var useZip64Format = entry.useZip64Format();
        pretendOutputCursor += LOCAL_FILE_HEADER_FIXED_SIZE + entry.utf8FileName.length;
        pretendOutputCursor += entry.uncompressedSize;
        if (!entry.crcAndFileSizeKnown) {
          if (useZip64Format) {
            pretendOutputCursor += ZIP64_DATA_DESCRIPTOR_SIZE;
          } else {
            pretendOutputCursor += DATA_DESCRIPTOR_SIZE;
          }
        }
        centralDirectorySize += CENTRAL_DIRECTORY_RECORD_FIXED_SIZE + entry.utf8FileName.length + entry.fileComment.length;
        if (!entry.forceDosTimestamp) {
          centralDirectorySize += INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE;
        }
        if (useZip64Format) {
          centralDirectorySize += ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE;
        }
      }
      var endOfCentralDirectorySize = 0;
      if (self.forceZip64Eocd || self.entries.length >= 65535 || centralDirectorySize >= 65535 || pretendOutputCursor >= 4294967295) {
        endOfCentralDirectorySize += ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE;
      }
      endOfCentralDirectorySize += END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length;
      return pretendOutputCursor + centralDirectorySize + endOfCentralDirectorySize;
    }
    function shouldIgnoreAdding(self) {
      if (self.ended) throw new Error("cannot add entries after calling end()");
      if (self.errored) return true;
      return false;
    }
    var ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 56;
    var ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE = 20;
    var END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 22;
    function getEndOfCentralDirectoryRecord(self, actuallyJustTellMeHowLongItWouldBe) {
      var needZip64Format = false;
      var normalEntriesLength = self.entries.length;
      if (self.forceZip64Eocd || self.entries.length >= 65535) {
        normalEntriesLength = 65535;
        needZip64Format = true;
      }
      var sizeOfCentralDirectory = self.outputStreamCursor - self.offsetOfStartOfCentralDirectory;
      var normalSizeOfCentralDirectory = sizeOfCentralDirectory;
      if (self.forceZip64Eocd || sizeOfCentralDirectory >= 4294967295) {
        normalSizeOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      var normalOffsetOfStartOfCentralDirectory = self.offsetOfStartOfCentralDirectory;
      if (self.forceZip64Eocd || self.offsetOfStartOfCentralDirectory >= 4294967295) {
        normalOffsetOfStartOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      if (actuallyJustTellMeHowLongItWouldBe) {
        if (needZip64Format) {
          return ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE + END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        } else {
          return END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        }
      }
      var eocdrBuffer = bufferAlloc(END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length);
      eocdrBuffer.writeUInt32LE(101010256, 0);
      eocdrBuffer.writeUInt16LE(0, 4);
      eocdrBuffer.writeUInt16LE(0, 6);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 8);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 10);
      eocdrBuffer.writeUInt32LE(normalSizeOfCentralDirectory, 12);
      eocdrBuffer.writeUInt32LE(normalOffsetOfStartOfCentralDirectory, 16);
      eocdrBuffer.writeUInt16LE(self.comment.length, 20);
      self.comment.copy(eocdrBuffer, 22);
      if (!needZip64Format) return eocdrBuffer;
      var zip64EocdrBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE);
      zip64EocdrBuffer.writeUInt32LE(101075792, 0);
      writeUInt64LE(zip64EocdrBuffer, ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE - 12, 4);
      zip64EocdrBuffer.writeUInt16LE(VERSION_MADE_BY, 12);
      zip64EocdrBuffer.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_ZIP64, 14);
      zip64EocdrBuffer.writeUInt32LE(0, 16);
      zip64EocdrBuffer.writeUInt32LE(0, 20);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 24);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 32);
      writeUInt64LE(zip64EocdrBuffer, sizeOfCentralDirectory, 40);
      writeUInt64LE(zip64EocdrBuffer, self.offsetOfStartOfCentralDirectory, 48);
      var zip64EocdlBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE);
      zip64EocdlBuffer.writeUInt32LE(117853008, 0);
      zip64EocdlBuffer.writeUInt32LE(0, 4);
      writeUInt64LE(zip64EocdlBuffer, self.outputStreamCursor, 8);
      zip64EocdlBuffer.writeUInt32LE(1, 16);
      return Buffer.concat([
        zip64EocdrBuffer,
        zip64EocdlBuffer,
        eocdrBuffer
      ]);
    }
    function validateMetadataPath(metadataPath, isDirectory) {
      if (metadataPath === "") throw new Error("empty metadataPath");
      metadataPath = metadataPath.replace(/\\/g, "/");
      if (/^[a-zA-Z]:/.test(metadataPath) || /^\//.test(metadataPath)) throw new Error("absolute path: " + metadataPath);
      if (metadataPath.split("/").indexOf("..") !== -1) throw new Error("invalid relative path: " + metadataPath);
      var looksLikeDirectory = /\/$/.test(metadataPath);
      if (isDirectory) {
        if (!looksLikeDirectory) metadataPath += "/";
      } else {
        if (looksLikeDirectory) throw new Error("file path cannot end with '/': " + metadataPath);
      }
      return metadataPath;
    }
    var EMPTY_BUFFER = bufferAlloc(0);
    function Entry(metadataPath, isDirectory, options) {
      this.utf8FileName = bufferFrom(metadataPath);
      if (this.utf8FileName.length > 65535) throw new Error("utf8 file name too long. " + utf8FileName.length + " > 65535");
      this.isDirectory = isDirectory;
      this.state = Entry.WAITING_FOR_METADATA;
      this.setLastModDate(options.mtime != null ? options.mtime : /* @__PURE__ */ new Date());
      this.forceDosTimestamp = !!options.forceDosTimestamp;
      if (options.mode != null) {
        this.setFileAttributesMode(options.mode);
      } else {
        this.setFileAttributesMode(isDirectory ? 16893 : 33204);
      }
      if (isDirectory) {
        this.crcAndFileSizeKnown = true;
        this.crc32 = 0;
        this.uncompressedSize = 0;
        this.compressedSize = 0;
      } else {
        this.crcAndFileSizeKnown = false;
        this.crc32 = null;
        this.uncompressedSize = null;
        this.compressedSize = null;
        if (options.size != null) this.uncompressedSize = options.size;
      }
      if (isDirectory) {
        this.compressionLevel = 0;
      } else {
        this.compressionLevel = determineCompressionLevel(options);
      }
      this.forceZip64Format = !!options.forceZip64Format;
      if (options.fileComment) {
        if (typeof options.fileComment === "string") {
          this.fileComment = bufferFrom(options.fileComment, "utf-8");
        } else {
          this.fileComment = options.fileComment;
        }
        if (this.fileComment.length > 65535) throw new Error("fileComment is too large");
      } else {
        this.fileComment = EMPTY_BUFFER;
      }
    }
    Entry.WAITING_FOR_METADATA = 0;
    Entry.READY_TO_PUMP_FILE_DATA = 1;
    Entry.FILE_DATA_IN_PROGRESS = 2;
    Entry.FILE_DATA_DONE = 3;
    Entry.prototype.setLastModDate = function(date) {
      this.mtime = date;
      var dosDateTime = dateToDosDateTime(date);
      this.lastModFileTime = dosDateTime.time;
      this.lastModFileDate = dosDateTime.date;
    };
    Entry.prototype.setFileAttributesMode = function(mode) {
      if ((mode & 65535) !== mode) throw new Error("invalid mode. expected: 0 <= " + mode + " <= 65535");
      this.externalFileAttributes = mode << 16 >>> 0;
    };
    Entry.prototype.setFileDataPumpFunction = function(doFileDataPump) {
      this.doFileDataPump = doFileDataPump;
      this.state = Entry.READY_TO_PUMP_FILE_DATA;
    };
    Entry.prototype.useZip64Format = function() {
      return this.forceZip64Format || this.uncompressedSize != null && this.uncompressedSize > 4294967294 || this.compressedSize != null && this.compressedSize > 4294967294 || this.relativeOffsetOfLocalHeader != null && this.relativeOffsetOfLocalHeader > 4294967294;
    };
    var LOCAL_FILE_HEADER_FIXED_SIZE = 30;
    var VERSION_NEEDED_TO_EXTRACT_UTF8 = 20;
    var VERSION_NEEDED_TO_EXTRACT_ZIP64 = 45;
    var VERSION_MADE_BY = 3 << 8 | 63;
    var FILE_NAME_IS_UTF8 = 1 << 11;
    var UNKNOWN_CRC32_AND_FILE_SIZES = 1 << 3;
    Entry.prototype.getLocalFileHeader = function() {
      var crc322 = 0;
      var compressedSize = 0;
      var uncompressedSize = 0;
      if (this.crcAndFileSizeKnown) {
        crc322 = this.crc32;
        compressedSize = this.compressedSize;
        uncompressedSize = this.uncompressedSize;
      }
      var fixedSizeStuff = bufferAlloc(LOCAL_FILE_HEADER_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      fixedSizeStuff.writeUInt32LE(67324752, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_UTF8, 4);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 6);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 8);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 12);
      fixedSizeStuff.writeUInt32LE(crc322, 14);
      fixedSizeStuff.writeUInt32LE(compressedSize, 18);
      fixedSizeStuff.writeUInt32LE(uncompressedSize, 22);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 26);
      fixedSizeStuff.writeUInt16LE(0, 28);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName
        // extra field (variable size)
        // no extra fields
      ]);
    };
    var DATA_DESCRIPTOR_SIZE = 16;
    var ZIP64_DATA_DESCRIPTOR_SIZE = 24;
    Entry.prototype.getDataDescriptor = function() {
      if (this.crcAndFileSizeKnown) {
        return EMPTY_BUFFER;
      }
      if (!this.useZip64Format()) {
        var buffer = bufferAlloc(DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        buffer.writeUInt32LE(this.compressedSize, 8);
        buffer.writeUInt32LE(this.uncompressedSize, 12);
        return buffer;
      } else {
        var buffer = bufferAlloc(ZIP64_DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        writeUInt64LE(buffer, this.compressedSize, 8);
        writeUInt64LE(buffer, this.uncompressedSize, 16);
        return buffer;
      }
    };
    var CENTRAL_DIRECTORY_RECORD_FIXED_SIZE = 46;
    var INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE = 9;
    var ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE = 28;
    Entry.prototype.getCentralDirectoryRecord = function() {
      var fixedSizeStuff = bufferAlloc(CENTRAL_DIRECTORY_RECORD_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      var izutefBuffer = EMPTY_BUFFER;
      if (!this.forceDosTimestamp) {
        izutefBuffer = bufferAlloc(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE);
        izutefBuffer.writeUInt16LE(21589, 0);
        izutefBuffer.writeUInt16LE(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE - 4, 2);
        var EB_UT_FL_MTIME = 1 << 0;
        var EB_UT_FL_ATIME = 1 << 1;
        izutefBuffer.writeUInt8(EB_UT_FL_MTIME | EB_UT_FL_ATIME, 4);
        var timestamp = Math.floor(this.mtime.getTime() / 1e3);
        if (timestamp < -2147483648) timestamp = -2147483648;
        if (timestamp > 2147483647) timestamp = 2147483647;
        izutefBuffer.writeUInt32LE(timestamp, 5);
      }
      var normalCompressedSize = this.compressedSize;
      var normalUncompressedSize = this.uncompressedSize;
      var normalRelativeOffsetOfLocalHeader = this.relativeOffsetOfLocalHeader;
      var versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_UTF8;
      var zeiefBuffer = EMPTY_BUFFER;
      if (this.useZip64Format()) {
        normalCompressedSize = 4294967295;
        normalUncompressedSize = 4294967295;
        normalRelativeOffsetOfLocalHeader = 4294967295;
        versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_ZIP64;
        zeiefBuffer = bufferAlloc(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE);
        zeiefBuffer.writeUInt16LE(1, 0);
        zeiefBuffer.writeUInt16LE(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE - 4, 2);
        writeUInt64LE(zeiefBuffer, this.uncompressedSize, 4);
        writeUInt64LE(zeiefBuffer, this.compressedSize, 12);
        writeUInt64LE(zeiefBuffer, this.relativeOffsetOfLocalHeader, 20);
      }
      fixedSizeStuff.writeUInt32LE(33639248, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_MADE_BY, 4);
      fixedSizeStuff.writeUInt16LE(versionNeededToExtract, 6);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 8);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 12);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 14);
      fixedSizeStuff.writeUInt32LE(this.crc32, 16);
      fixedSizeStuff.writeUInt32LE(normalCompressedSize, 20);
      fixedSizeStuff.writeUInt32LE(normalUncompressedSize, 24);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 28);
      fixedSizeStuff.writeUInt16LE(izutefBuffer.length + zeiefBuffer.length, 30);
      fixedSizeStuff.writeUInt16LE(this.fileComment.length, 32);
      fixedSizeStuff.writeUInt16LE(0, 34);
      fixedSizeStuff.writeUInt16LE(0, 36);
      fixedSizeStuff.writeUInt32LE(this.externalFileAttributes, 38);
      fixedSizeStuff.writeUInt32LE(normalRelativeOffsetOfLocalHeader, 42);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName,
        // extra field (variable size)
        izutefBuffer,
        zeiefBuffer,
        // file comment (variable size)
        this.fileComment
      ]);
    };
    Entry.prototype.getCompressionMethod = function() {
      var NO_COMPRESSION = 0;
      var DEFLATE_COMPRESSION = 8;
      return this.compressionLevel === 0 ? NO_COMPRESSION : DEFLATE_COMPRESSION;
    };
    var minDosDate = new Date(1980, 0, 1);
    var maxDosDate = new Date(2107, 11, 31, 23, 59, 58);
    function dateToDosDateTime(jsDate) {
      if (jsDate < minDosDate) jsDate = minDosDate;
      else if (jsDate > maxDosDate) jsDate = maxDosDate;
      var date = 0;
      date |= jsDate.getDate() & 31;
      date |= (jsDate.getMonth() + 1 & 15) << 5;
      date |= (jsDate.getFullYear() - 1980 & 127) << 9;
      var time = 0;
      time |= Math.floor(jsDate.getSeconds() / 2);
      time |= (jsDate.getMinutes() & 63) << 5;
      time |= (jsDate.getHours() & 31) << 11;
      return { date, time };
    }
    function writeUInt64LE(buffer, n, offset) {
      var high = Math.floor(n / 4294967296);
      var low = n % 4294967296;
      buffer.writeUInt32LE(low, offset);
      buffer.writeUInt32LE(high, offset + 4);
    }
    util.inherits(ByteCounter, Transform);
    function ByteCounter(options) {
      Transform.call(this, options);
      this.byteCount = 0;
    }
    ByteCounter.prototype._transform = function(chunk, encoding, cb) {
      this.byteCount += chunk.length;
      cb(null, chunk);
    };
    util.inherits(Crc32Watcher, Transform);
    function Crc32Watcher(options) {
      Transform.call(this, options);
      this.crc32 = 0;
    }
    Crc32Watcher.prototype._transform = function(chunk, encoding, cb) {
      this.crc32 = crc32.unsigned(chunk, this.crc32);
      cb(null, chunk);
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    if (cp437.length !== 256) throw new Error("assertion failure");
    var reverseCp437 = null;
    function encodeCp437(string) {
      if (/^[\x20-\x7e]*$/.test(string)) {
        return bufferFrom(string, "utf-8");
      }
      if (reverseCp437 == null) {
        reverseCp437 = {};
        for (var i = 0; i < cp437.length; i++) {
          reverseCp437[cp437[i]] = i;
        }
      }
      var result = bufferAlloc(string.length);
      for (var i = 0; i < string.length; i++) {
        var b = reverseCp437[string[i]];
        if (b == null) throw new Error("character not encodable in CP437: " + JSON.stringify(string[i]));
        result[i] = b;
      }
      return result;
    }
    function bufferAlloc(size) {
      bufferAlloc = modern;
      try {
        return bufferAlloc(size);
      } catch (e) {
        bufferAlloc = legacy;
        return bufferAlloc(size);
      }
      function modern(size2) {
        return Buffer.allocUnsafe(size2);
      }
      function legacy(size2) {
        return new Buffer(size2);
      }
    }
    function bufferFrom(something, encoding) {
      bufferFrom = modern;
      try {
        return bufferFrom(something, encoding);
      } catch (e) {
        bufferFrom = legacy;
        return bufferFrom(something, encoding);
      }
      function modern(something2, encoding2) {
        return Buffer.from(something2, encoding2);
      }
      function legacy(something2, encoding2) {
        return new Buffer(something2, encoding2);
      }
    }
    function bufferIncludes(buffer, content) {
      bufferIncludes = modern;
      try {
        return bufferIncludes(buffer, content);
      } catch (e) {
        bufferIncludes = legacy;
        return bufferIncludes(buffer, content);
      }
      function modern(buffer2, content2) {
        return buffer2.includes(content2);
      }
      function legacy(buffer2, content2) {
        for (var i = 0; i <= buffer2.length - content2.length; i++) {
          for (var j = 0; ; j++) {
            if (j === content2.length) return true;
            if (buffer2[i + j] !== content2[j]) break;
          }
        }
        return false;
      }
    }
  }
});

// src/deploy/dry-run.ts
import { stat } from "node:fs/promises";
var DryRunPlatform = class {
  constructor(endpoint, reporter) {
    this.endpoint = endpoint;
    this.reporter = reporter;
  }
  endpoint;
  reporter;
  call(method, path, body, note) {
    const json = body === void 0 ? "" : ` ${JSON.stringify(body)}`;
    this.reporter.info(
      `would ${method} ${this.endpoint.replace(/\/+$/, "")}${path}${json}${note ? `  # ${note}` : ""}`
    );
  }
  async authenticate() {
    this.call(
      "POST",
      "/publish/automation/callback",
      { auth_token: "***" },
      "INSTELLAR_AUTH_TOKEN for a session token"
    );
  }
  async findDeployment(hash) {
    this.call(
      "GET",
      `/publish/deployments/${encodeURIComponent(hash)}`,
      void 0,
      "assumed 404 here; a 200 would reuse that deployment's archive and upload nothing"
    );
    return void 0;
  }
  async storage() {
    this.call("GET", "/publish/storage", void 0, "the bucket and its keys");
    return {
      bucket: "<bucket>",
      host: "<host>",
      port: 443,
      scheme: "https",
      region: "<region>",
      accessKeyId: "<key>",
      secretAccessKey: "<secret>"
    };
  }
  async createDeployment(input) {
    this.call("POST", "/publish/deployments", { deployment: input });
    return { deployment: { id: "<id>", archivePath: input.archive_path }, created: true };
  }
  async createConfiguration(deployment, payload) {
    this.call("POST", `/publish/deployments/${deployment.id}/configurations`, {
      configuration: { payload }
    });
    return { created: true };
  }
};
var DryRunStorage = class {
  constructor(reporter) {
    this.reporter = reporter;
  }
  reporter;
  location = "s3://<bucket>";
  async upload(key, file) {
    const { size } = await stat(file);
    const parts = Math.max(1, Math.ceil(size / PART_SIZE));
    this.reporter.info(
      `would upload ${this.location}/${key} (${size} bytes: POST ?uploads, ${parts} PUT ?partNumber, POST ?uploadId)`
    );
    return { key, size, parts };
  }
};

// src/deploy/platform.ts
var DEFAULT_ENDPOINT = "https://opsmaru.com";
var InstellarPlatform = class {
  constructor(options) {
    this.options = options;
  }
  options;
  session;
  async authenticate() {
    const step = "authenticate (POST /publish/automation/callback)";
    const answer = await this.call(step, "POST", "/publish/automation/callback", {
      auth_token: this.options.authToken
    });
    if (answer.status === 404) {
      throw new PushError(
        step,
        "HTTP 404: the platform does not know INSTELLAR_AUTH_TOKEN (check the repository secret)",
        { status: 404 }
      );
    }
    this.expect(step, answer, [200, 201]);
    const token = field(answer.body, ["data", "token"]);
    if (typeof token !== "string" || !token)
      throw new PushError(step, `HTTP ${answer.status} without data.token in the answer`);
    this.options.secrets.add(token);
    this.session = token;
  }
  async findDeployment(hash) {
    const path = `/publish/deployments/${encodeURIComponent(hash)}`;
    const step = `look up the deployment (GET ${path})`;
    const answer = await this.call(step, "GET", path);
    if (answer.status === 404) return void 0;
    this.expect(step, answer, [200]);
    const attributes = field(answer.body, ["data", "attributes"]);
    if (!isObject(attributes))
      throw new PushError(step, "HTTP 200 without data.attributes in the answer");
    return toDeployment(attributes);
  }
  async storage() {
    const step = "get the storage credentials (GET /publish/storage)";
    const answer = await this.call(step, "GET", "/publish/storage");
    this.expect(step, answer, [200]);
    const attributes = field(answer.body, ["data", "attributes"]);
    const credentials = parseStorage(attributes, (message) => new PushError(step, message));
    this.options.secrets.add(credentials.secretAccessKey);
    this.options.secrets.add(credentials.accessKeyId);
    return credentials;
  }
  async createDeployment(input) {
    const step = "create the deployment (POST /publish/deployments)";
    const answer = await this.call(step, "POST", "/publish/deployments", { deployment: input });
    this.expect(step, answer, [200, 201]);
    const attributes = field(answer.body, ["data", "attributes"]);
    if (!isObject(attributes) || !isId(attributes.id))
      throw new PushError(step, `HTTP ${answer.status} without data.attributes.id in the answer`);
    return { deployment: toDeployment(attributes), created: answer.status === 201 };
  }
  async createConfiguration(deployment, payload) {
    const path = `/publish/deployments/${encodeURIComponent(String(deployment.id))}/configurations`;
    const step = `send the configuration (POST ${path})`;
    const answer = await this.call(step, "POST", path, { configuration: { payload } });
    if (answer.status === 422) {
      throw new PushError(
        step,
        `HTTP 422: the platform refused the kits, sizes, plans or page of instellar.yml: ${excerpt(answer.text, 2e3)}`,
        { status: 422 }
      );
    }
    this.expect(step, answer, [200, 201]);
    return { created: answer.status === 201 };
  }
  /** One request, tried again on 5xx, 429, dropped connections and timeouts. */
  call(step, method, path, json) {
    const { endpoint, retry, reporter, timeoutMs = 3e4 } = this.options;
    const url = `${endpoint.replace(/\/+$/, "")}${path}`;
    const headers = {
      accept: "application/json",
      "user-agent": this.options.userAgent ?? "pakman-action"
    };
    if (json !== void 0) headers["content-type"] = "application/json";
    if (this.session) {
      headers.authorization = `Bearer ${this.session}`;
      headers["x-instellar-package-token"] = this.options.packageToken;
    }
    const redact = (text) => this.options.secrets.redact(text);
    return withRetry(
      async () => {
        let response;
        try {
          response = await fetch(url, {
            method,
            headers,
            ...json !== void 0 && { body: JSON.stringify(json) },
            signal: AbortSignal.timeout(timeoutMs)
          });
        } catch (error) {
          throw new PushError(step, redact(describeNetworkError(error)), { transient: true });
        }
        const text = await response.text().catch(() => "");
        reporter.info(`${method} ${path} \u2192 ${response.status}`);
        if (isTransientStatus(response.status)) {
          throw new PushError(step, `HTTP ${response.status}: ${redact(excerpt(text))}`, {
            status: response.status,
            transient: true,
            ...optionalRetryAfter(response.headers.get("retry-after"))
          });
        }
        let body;
        if (/\bjson\b/i.test(response.headers.get("content-type") ?? "")) {
          try {
            body = JSON.parse(text);
          } catch {
            throw new PushError(
              step,
              `HTTP ${response.status} with a body that is not JSON: ${redact(excerpt(text))}`,
              { status: response.status }
            );
          }
        }
        return { status: response.status, body, text: redact(text) };
      },
      retry,
      (line) => reporter.info(redact(line))
    );
  }
  expect(step, answer, statuses) {
    if (statuses.includes(answer.status)) {
      if (answer.body === void 0)
        throw new PushError(step, `HTTP ${answer.status} without a JSON body`, {
          status: answer.status
        });
      return;
    }
    throw new PushError(step, `HTTP ${answer.status}: ${excerpt(answer.text)}`, {
      status: answer.status
    });
  }
};
function optionalRetryAfter(header) {
  const ms = retryAfterMs(header);
  return ms === void 0 ? {} : { retryAfterMs: ms };
}
function parseStorage(attributes, fail) {
  if (!isObject(attributes)) throw fail("the answer has no data.attributes");
  const credential = isObject(attributes.credential) ? attributes.credential : {};
  const text = (value, name) => {
    if (typeof value !== "string" || !value.trim()) throw fail(`the storage answer has no ${name}`);
    return value.trim();
  };
  const scheme = text(attributes.scheme, "scheme").replace(/:\/*$/, "").toLowerCase();
  if (scheme !== "http" && scheme !== "https")
    throw fail(`the storage scheme ${JSON.stringify(scheme)} is not http or https`);
  const port = typeof attributes.port === "string" ? Number(attributes.port) : attributes.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw fail(`the storage port ${JSON.stringify(attributes.port)} is not a port number`);
  return {
    bucket: text(attributes.bucket, "bucket"),
    host: text(attributes.host, "host"),
    port,
    scheme,
    region: text(attributes.region, "region"),
    accessKeyId: text(credential.access_key_id, "credential.access_key_id"),
    secretAccessKey: text(credential.secret_access_key, "credential.secret_access_key")
  };
}
function toDeployment(attributes) {
  return {
    id: isId(attributes.id) ? attributes.id : "",
    ...typeof attributes.archive_path === "string" && { archivePath: attributes.archive_path }
  };
}
function isId(value) {
  return typeof value === "string" && value !== "" || typeof value === "number";
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function field(body, path) {
  let node = body;
  for (const key of path) {
    if (!isObject(node)) return void 0;
    node = node[key];
  }
  return node;
}

// src/deploy/storage.ts
var S3Storage = class {
  client;
  location;
  constructor(credentials, options) {
    this.client = new S3Client(
      {
        endpoint: `${credentials.scheme}://${credentials.host}:${credentials.port}`,
        bucket: credentials.bucket,
        region: credentials.region,
        pathStyle: true
      },
      credentials,
      options
    );
    this.location = this.client.location;
  }
  upload(key, file, signal) {
    return this.client.upload(key, file, { multipart: true }, signal);
  }
};

// src/deploy/clients.ts
function pushDeps(settings, endpoint) {
  const reporter = settings.secrets.redacting(settings.reporter);
  return {
    ...pushClients(settings, endpoint, reporter),
    reporter,
    tempDir: settings.tempDir,
    ...settings.concurrency && { concurrency: settings.concurrency },
    ...settings.dryRun && { dryRun: true },
    ...settings.signal && { signal: settings.signal }
  };
}
function pushClients(settings, endpoint, reporter) {
  const retry = settings.retry ?? DEFAULT_RETRY;
  if (settings.dryRun)
    return {
      platform: settings.platform ?? new DryRunPlatform(endpoint, reporter),
      openStorage: settings.openStorage ?? (() => new DryRunStorage(reporter))
    };
  const redact = (text) => settings.secrets.redact(text);
  return {
    platform: settings.platform ?? new InstellarPlatform({
      endpoint,
      // checkPushSettings refused a real push without them.
      authToken: settings.authToken,
      packageToken: settings.packageToken,
      secrets: settings.secrets,
      retry,
      reporter
    }),
    openStorage: settings.openStorage ?? ((credentials) => new S3Storage(credentials, { retry, log: (line) => reporter.info(line), redact }))
  };
}

// src/deploy/files.ts
import { stat as stat2 } from "node:fs/promises";
import { join, relative, sep } from "node:path";
var isPackageFile = (name) => name.endsWith(".apk") || name === "APKINDEX.tar.gz";
async function collectPushFiles(dir, stack) {
  const entries = await readTree(
    dir,
    `no packages directory ${dir}: build or merge first, or point packages-dir at it`
  );
  const groups = /* @__PURE__ */ new Map();
  const skipped = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const parts = relative(dir, path).split(sep);
    if (parts.length < 2 || !isPackageFile(entry.name)) {
      skipped.push(parts.join("/"));
      continue;
    }
    const prefix = parts.slice(0, -3).join("/");
    const list = groups.get(prefix) ?? [];
    list.push({
      name: parts.slice(-3).join("/"),
      leaf: parts.slice(-2).join("/"),
      path,
      size: (await stat2(path)).size
    });
    groups.set(prefix, list);
  }
  const found = [...groups.keys()].sort();
  let chosen;
  if (stack !== void 0 && groups.has(stack)) chosen = stack;
  else if (found.length === 1 && (found[0] === "" || stack === void 0)) chosen = found[0];
  if (chosen === void 0) {
    if (!found.length) throw new Error(`no packages in ${dir}`);
    throw new Error(
      stack === void 0 ? `${dir} holds packages for several stacks (${found.join(", ")}); name the one to deploy with the stack input or stack: in instellar.yml` : `${dir} has no packages for stack ${stack} (it has ${found.map((f) => f || "a single build").join(", ")})`
    );
  }
  const files = groups.get(chosen).sort((a, b) => a.name.localeCompare(b.name));
  if (!files.some((f) => f.leaf.endsWith(".apk"))) throw new Error(`no .apk packages in ${dir}`);
  const seen = /* @__PURE__ */ new Map();
  for (const file of files) {
    const other = seen.get(file.leaf);
    if (other)
      throw new Error(
        `${other} and ${file.name} would both be uploaded as ${file.leaf}: a deployment holds one repository per architecture`
      );
    seen.set(file.leaf, file.name);
  }
  for (const prefix of found) if (prefix !== chosen) skipped.push(`${prefix}/ (another stack)`);
  return { files, ...chosen && { stackDir: chosen }, skipped: skipped.sort() };
}

// src/deploy/plan.ts
async function planPush(settings, checked) {
  const requested = settings.stack ?? settings.config.stack;
  const collected = await collectPushFiles(settings.packagesDir, requested).catch(
    (error) => {
      throw new PushError("collect the packages", error.message);
    }
  );
  const stack = requested ?? collected.stackDir;
  if (collected.skipped.length)
    settings.reporter.info(
      `not uploaded (not a package or an index): ${collected.skipped.join(", ")}`
    );
  const configuration = configurationPayload(settings.config);
  return {
    owner: slugify(checked.repository.owner),
    repo: slugify(checked.repository.name),
    hash: checked.hash,
    ref: checked.ref,
    ...stack && { stack },
    files: collected.files,
    archiveName: "packages.zip",
    ...configuration && { configuration }
  };
}
function configurationPayload(config) {
  const { kits, sizes, plans, page } = config;
  if (!Array.isArray(kits)) return void 0;
  return {
    kits,
    ...present(sizes) && { sizes },
    ...present(plans) && { plans },
    ...present(page) && { page }
  };
}
function present(value) {
  return value !== void 0 && value !== null && value !== false;
}

// src/deploy/push.ts
import { mkdtemp, rm } from "node:fs/promises";
import { join as join2 } from "node:path";

// node_modules/uuid/dist-node/regex.js
var regex_default = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

// node_modules/uuid/dist-node/validate.js
function validate(uuid) {
  return typeof uuid === "string" && regex_default.test(uuid);
}
var validate_default = validate;

// node_modules/uuid/dist-node/parse.js
function parse(uuid) {
  if (!validate_default(uuid)) {
    throw TypeError("Invalid UUID");
  }
  let v;
  return Uint8Array.of((v = parseInt(uuid.slice(0, 8), 16)) >>> 24, v >>> 16 & 255, v >>> 8 & 255, v & 255, (v = parseInt(uuid.slice(9, 13), 16)) >>> 8, v & 255, (v = parseInt(uuid.slice(14, 18), 16)) >>> 8, v & 255, (v = parseInt(uuid.slice(19, 23), 16)) >>> 8, v & 255, (v = parseInt(uuid.slice(24, 36), 16)) / 1099511627776 & 255, v / 4294967296 & 255, v >>> 24 & 255, v >>> 16 & 255, v >>> 8 & 255, v & 255);
}
var parse_default = parse;

// node_modules/uuid/dist-node/stringify.js
var byteToHex = [];
for (let i = 0; i < 256; ++i) {
  byteToHex.push((i + 256).toString(16).slice(1));
}
function unsafeStringify(arr, offset = 0) {
  return (byteToHex[arr[offset + 0]] + byteToHex[arr[offset + 1]] + byteToHex[arr[offset + 2]] + byteToHex[arr[offset + 3]] + "-" + byteToHex[arr[offset + 4]] + byteToHex[arr[offset + 5]] + "-" + byteToHex[arr[offset + 6]] + byteToHex[arr[offset + 7]] + "-" + byteToHex[arr[offset + 8]] + byteToHex[arr[offset + 9]] + "-" + byteToHex[arr[offset + 10]] + byteToHex[arr[offset + 11]] + byteToHex[arr[offset + 12]] + byteToHex[arr[offset + 13]] + byteToHex[arr[offset + 14]] + byteToHex[arr[offset + 15]]).toLowerCase();
}

// node_modules/uuid/dist-node/v35.js
function stringToBytes(str) {
  str = unescape(encodeURIComponent(str));
  const bytes = new Uint8Array(str.length);
  for (let i = 0; i < str.length; ++i) {
    bytes[i] = str.charCodeAt(i);
  }
  return bytes;
}
var DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
var URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
function v35(version, hash, value, namespace, buf, offset) {
  const valueBytes = typeof value === "string" ? stringToBytes(value) : value;
  const namespaceBytes = typeof namespace === "string" ? parse_default(namespace) : namespace;
  if (typeof namespace === "string") {
    namespace = parse_default(namespace);
  }
  if (namespace?.length !== 16) {
    throw TypeError("Namespace must be array-like (16 iterable integer values, 0-255)");
  }
  let bytes = new Uint8Array(16 + valueBytes.length);
  bytes.set(namespaceBytes);
  bytes.set(valueBytes, namespaceBytes.length);
  bytes = hash(bytes);
  bytes[6] = bytes[6] & 15 | version;
  bytes[8] = bytes[8] & 63 | 128;
  if (buf) {
    offset ??= 0;
    if (offset < 0 || offset + 16 > buf.length) {
      throw new RangeError(`UUID byte range ${offset}:${offset + 15} is out of buffer bounds`);
    }
    for (let i = 0; i < 16; ++i) {
      buf[offset + i] = bytes[i];
    }
    return buf;
  }
  return unsafeStringify(bytes);
}

// node_modules/uuid/dist-node/sha1.js
import { createHash } from "node:crypto";
function sha1(bytes) {
  if (Array.isArray(bytes)) {
    bytes = Buffer.from(bytes);
  } else if (typeof bytes === "string") {
    bytes = Buffer.from(bytes, "utf8");
  }
  return createHash("sha1").update(bytes).digest();
}
var sha1_default = sha1;

// node_modules/uuid/dist-node/v5.js
function v5(value, namespace, buf, offset) {
  return v35(80, sha1_default, value, namespace, buf, offset);
}
v5.DNS = DNS;
v5.URL = URL;
var v5_default = v5;

// src/deploy/archive.ts
var import_yazl = __toESM(require_yazl(), 1);
import { createReadStream, createWriteStream } from "node:fs";
import { stat as stat3 } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
var EPOCH = new Date(1980, 0, 1);
async function writeArchive(target, entries, options = {}) {
  const zip = new import_yazl.ZipFile();
  const output = zip.outputStream;
  zip.on("error", (error) => output.destroy(error));
  for (const entry of entries) {
    zip.addReadStreamLazy(
      entry.name,
      {
        mtime: EPOCH,
        mode: 33188,
        compress: false,
        // no "UT" extra field: the DOS date alone, so the headers stay as small as before
        forceDosTimestamp: true,
        forceZip64Format: options.forceZip64 ?? false,
        size: entry.size
      },
      (open) => {
        const stream = createReadStream(entry.path).on("error", (error) => output.destroy(error));
        open(null, stream);
      }
    );
  }
  zip.end({ forceZip64Format: options.forceZip64 ?? false, comment: "" });
  try {
    await pipeline(output, createWriteStream(target));
  } catch (error) {
    throw new Error(`${target}: ${error.message}`, { cause: error });
  }
  return (await stat3(target)).size;
}

// src/deploy/push.ts
async function push(plan, deps) {
  const { platform } = deps;
  const progress = deps.dryRun ? () => {
  } : (line) => deps.reporter.info(line);
  await platform.authenticate();
  const existing = await platform.findDeployment(plan.hash);
  let archivePath;
  let uploads = [];
  let storage;
  if (existing) {
    if (!existing.archivePath) {
      throw new PushError(
        "look up the deployment",
        `the platform has a deployment of ${plan.hash} without an archive_path, so it cannot be reused for ${plan.ref}`
      );
    }
    archivePath = existing.archivePath;
    progress(`${plan.hash} was deployed before: reusing its archive ${archivePath} for ${plan.ref}`);
  } else {
    const store = await deps.openStorage(await platform.storage());
    storage = store.location;
    archivePath = `archives/${archiveId(plan)}/${plan.archiveName}`;
    const scratch = await mkdtemp(join2(deps.tempDir, "pakman-push-"));
    try {
      const zip = join2(scratch, plan.archiveName);
      const size = await writeArchive(
        zip,
        plan.files.map((f) => ({ name: f.name, path: f.path, size: f.size }))
      );
      progress(`${plan.archiveName}: ${plan.files.length} files, ${size} bytes`);
      const prefix = `deployments/${plan.owner}/${plan.repo}/${plan.hash}`;
      uploads = await uploadAll(
        store,
        // the zip goes last: it exists in the bucket only when everything it refers to does
        [...plan.files.map((f) => ({ key: `${prefix}/${f.leaf}`, path: f.path }))],
        [{ key: archivePath, path: zip }],
        deps.concurrency ?? 2,
        deps.signal
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  stopIfCancelled("create the deployment", deps.signal);
  const { deployment, created } = await platform.createDeployment({
    ref: plan.ref,
    hash: plan.hash,
    archive_path: archivePath,
    ...plan.stack && { stack: plan.stack }
  });
  progress(
    `deployment ${deployment.id} ${created ? "created" : "already existed"} for ${plan.ref} (${plan.hash})`
  );
  let configuration = "skipped";
  if (plan.configuration) {
    stopIfCancelled("send the configuration", deps.signal);
    const result = await platform.createConfiguration(deployment, plan.configuration);
    configuration = result.created ? "created" : "existing";
    progress(`configuration ${result.created ? "created" : "already existed"}`);
  } else {
    deps.reporter.notice(
      "instellar.yml has no kits: no configuration was sent, so the platform keeps what it had"
    );
  }
  return {
    deploymentId: deployment.id,
    created,
    source: existing ? "copied" : "uploaded",
    ref: plan.ref,
    hash: plan.hash,
    ...plan.stack && { stack: plan.stack },
    archivePath,
    ...storage && { storage },
    uploads,
    configuration,
    ...deps.dryRun && { dryRun: true }
  };
}
function stopIfCancelled(step, signal) {
  if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`);
}
async function uploadAll(storage, first, last, concurrency, cancel) {
  const upload = (item, signal) => storage.upload(item.key, item.path, signal);
  return [
    ...await eachAtOnce("upload", first, concurrency, upload, cancel),
    ...await eachAtOnce("upload", last, concurrency, upload, cancel)
  ];
}
function archiveId(plan) {
  return v5_default(
    ["pakman-archive", plan.owner, plan.repo, plan.hash, plan.stack ?? ""].join("\n"),
    NAMESPACE
  );
}
var NAMESPACE = "6f1c1e0a-9b7d-4e2f-8a3c-5d7e9f0b1a2c";

// src/deploy/settings.ts
function checkPushSettings(settings) {
  if (!settings.dryRun) checkTokens(settings);
  const repository = parseRepository(settings.repository);
  if (!repository)
    throw new PushError(
      "push",
      `the repository must be OWNER/NAME, not ${JSON.stringify(settings.repository)} (set GITHUB_REPOSITORY)`
    );
  const hash = settings.hash?.trim();
  if (!hash || !/^[A-Za-z0-9._-]+$/.test(hash))
    throw new PushError(
      "push",
      `the commit must be a SHA, not ${JSON.stringify(settings.hash ?? "")} (set WORKFLOW_SHA or GITHUB_SHA)`
    );
  const ref = settings.ref?.trim();
  if (!ref) throw new PushError("push", "no ref to deploy (set WORKFLOW_REF or GITHUB_REF)");
  const endpoint = settings.endpoint?.trim() || DEFAULT_ENDPOINT;
  if (!/^https?:\/\/[^/]/.test(endpoint))
    throw new PushError("push", `the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`);
  return { repository, hash, ref, endpoint };
}
function checkTokens(settings) {
  const missing = [
    !settings.authToken && "instellar-auth-token",
    !settings.packageToken && "instellar-package-token"
  ].filter((key) => key !== false);
  if (missing.length)
    throw new PushError(
      "push",
      `${missing.map(settings.reporter.option).join(" and ")} must be set: pass the repository secrets`
    );
}

// src/deploy/index.ts
async function runPush(settings) {
  const checked = checkPushSettings(settings);
  const plan = await planPush(settings, checked);
  const deps = pushDeps(settings, checked.endpoint);
  try {
    return await push(plan, deps);
  } catch (error) {
    if (error instanceof Error) error.message = settings.secrets.redact(error.message);
    throw error;
  }
}
export {
  DEFAULT_ENDPOINT,
  archiveId,
  checkPushSettings,
  collectPushFiles,
  runPush,
  writeArchive
};
