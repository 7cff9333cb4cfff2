import { useLayoutEffect, useRef } from 'react';
import type { TrackDetail } from '../../../core/api/contract.js';
import { AlbumArt, trackArt } from '../../components/AlbumArt.js';
import { Icon } from '../../components/Icon.js';
import { TagText } from '../../components/TagText.js';
import { formatDuration, formatPercent, genreColor, numberFormat } from '../../components/format.js';
import { usePlayerStore } from '../../stores/player.js';
import { useTrackStore } from '../../stores/track.js';
import { SoundsLikeThis } from '../playlists/SoundsLikeThis.js';
import { TrackGenreEditor } from '../genres/TrackGenreEditor.js';
import { GenreBars } from './GenreBars.js';
import { Player } from './Player.js';
import { SegmentTimeline } from './SegmentTimeline.js';
import { Spectrogram } from './Spectrogram.js';

/** The open track: spectrogram, genre probabilities and timeline, MIR summary, and playback. */
export function TrackPanel() {
  const { openId, detail, error, close, openings } = useTrackStore();
  // The playhead of the spectrogram and timeline, only while this track is the one playing.
  const currentTime = usePlayerStore((state) => (state.trackId !== null && state.trackId === openId ? state.currentTime : 0));
  const bodyRef = useRef<HTMLDivElement>(null);
  // Each opening starts at the player; a body mounted for a new track starts there anyway.
  useLayoutEffect(() => {
    bodyRef.current?.scrollTo({ top: 0 });
  }, [openings]);
  if (openId === null) return null;

  return (
    <aside className="track-panel" aria-label="Track details" data-track-id={openId}>
      <header className="track-panel__header">
        <AlbumArt art={detail ? trackArt(detail) : null} name={detail?.album ?? null} size={56} className="track-panel__art" />
        <div className="track-panel__titles">
          <h2 className="track-panel__title">{detail ? <TagText row={detail} tag="title" /> : 'Loading…'}</h2>
          {detail && subtitleOf(detail) && (
            <p
              className={`track-panel__subtitle${detail.inferred.some((tag) => tag !== 'title') ? ' inferred' : ''}`}
              title={detail.inferred.length ? `Read from the file's path where its tags are empty: ${detail.inferred.join(', ')}` : undefined}
            >
              {subtitleOf(detail)}
            </p>
          )}
        </div>
        <button className="icon-button" onClick={close} aria-label="Close track details" title="Close (Esc)">
          <Icon name="close" />
        </button>
      </header>
      {error && <p className="form-error" role="alert">{error}</p>}
      {detail && (
        <div className="track-panel__body" ref={bodyRef}>
          <Player trackId={detail.id} fallbackDuration={detail.durationSec} />
          {/* A file that failed analysis never gets neighbours, so "once analysed" would promise too much. */}
          {detail.status !== 'error' && <SoundsLikeThis trackId={detail.id} analysed={detail.status === 'done'} />}
          <TrackAnalysis detail={detail} playheadSec={currentTime > 0 ? currentTime : null} />
        </div>
      )}
    </aside>
  );
}

/**
 * The file's genre tags as written, each followed by the name the library shows it under where that
 * differs ("electronica (as Electronic)"); a confirmed track's table shows its confirmed genres instead.
 */
function taggedText(detail: TrackDetail): string {
  if (detail.genreConfirmed) return detail.genres.join(', ');
  return detail.shownGenres.flatMap(({ name, tags }) => tags.map((tag) => (tag === name ? tag : `${tag} (as ${name})`))).join(', ');
}

/** Artist, album and year; the file name where the tags have none, unless the title already comes from the file name. */
function subtitleOf(detail: TrackDetail): string {
  const tags = [detail.artist, detail.album, detail.year].filter(Boolean).join(' · ');
  return tags || (detail.title && !detail.inferred.includes('title') ? detail.fileName : '');
}

function TrackAnalysis({ detail, playheadSec }: { detail: TrackDetail; playheadSec: number | null }) {
  if (detail.status === 'error') {
    return (
      <section className="panel-section">
        <div className="notice notice--error">
          <Icon name="alert" /> <span>{detail.error ?? 'This file could not be analysed.'}</span>
        </div>
        <FileFacts detail={detail} />
      </section>
    );
  }
  const { prediction, mel, mir } = detail;
  const previewCoversTrack = mel && detail.durationSec ? mel.frames * mel.secondsPerFrame >= detail.durationSec * 0.95 : false;

  return (
    <>
      <section className="panel-section" aria-label="Genre">
        <h3 className="section-title">Genre</h3>
        <TrackGenreEditor detail={detail} />
        {prediction ? (
          <>
            {prediction.genre === null ? (
              <>
                <p className="prediction-headline" data-testid="prediction-headline">
                  <span className="genre-pill genre-pill--unsure">Unsure</span>
                  <span className="muted">
                    no genre reaches the {formatPercent(prediction.unsureThreshold, 1).replace(/\.0%$/, '%')} needed to name one (top {formatPercent(prediction.confidence)})
                  </span>
                  {detail.genres.length > 0 && <span className="muted">· tagged {taggedText(detail)}</span>}
                </p>
                <p className="unsure-candidates" data-testid="unsure-candidates">
                  Could be{' '}
                  {prediction.candidates.map((candidate, i) => (
                    <span key={candidate.genre}>
                      {i > 0 && (i === prediction.candidates.length - 1 ? ' or ' : ', ')}
                      <span className="unsure-candidates__genre">{candidate.genre}</span> {formatPercent(candidate.probability)}
                    </span>
                  ))}
                </p>
              </>
            ) : (
              <p className="prediction-headline" data-testid="prediction-headline">
                <span className="genre-pill" style={{ background: genreColor(prediction.genre, 45) }}>
                  {prediction.genre}
                </span>
                <span className="muted">{formatPercent(prediction.confidence)} confident</span>
                {detail.genres.length > 0 && <span className="muted">· tagged {taggedText(detail)}</span>}
              </p>
            )}
            <GenreBars probabilities={prediction.probabilities} />
            {prediction.segments.length > 0 && (
              <>
                <h4 className="subsection-title">What the model hears, over time</h4>
                <SegmentTimeline prediction={prediction} durationSec={detail.durationSec ?? 0} playheadSec={playheadSec} />
              </>
            )}
          </>
        ) : (
          <p className="muted">
            {detail.genres.length ? `Tagged ${taggedText(detail)}. ` : 'No genre tag. '}
            {detail.status === 'done' ? 'No genre prediction for this track yet.' : 'A genre prediction appears once the track is analysed.'}
          </p>
        )}
      </section>

      <section className="panel-section" aria-label="Spectrogram">
        <h3 className="section-title">Mel spectrogram</h3>
        {mel ? (
          <Spectrogram mel={mel} playheadSec={previewCoversTrack ? playheadSec : null} excerpt={!previewCoversTrack} />
        ) : (
          <div className="placeholder">{detail.status === 'done' ? 'No spectrogram stored for this track.' : 'Analysing…'}</div>
        )}
      </section>

      <section className="panel-section" aria-label="Sound summary">
        <h3 className="section-title">Sound</h3>
        <dl className="stats">
          <Stat label="Tempo" value={mir.tempoBpm ? `${Math.round(mir.tempoBpm)} BPM` : '—'} />
          <Stat label="Brightness" value={mir.brightnessHz ? `${numberFormat.format(Math.round(mir.brightnessHz))} Hz` : '—'} hint="Spectral centroid: higher sounds brighter" />
          <Stat label="Energy" value={mir.energy !== null ? loudnessText(mir.energy) : '—'} hint="Mean RMS level" />
        </dl>
        <FileFacts detail={detail} />
      </section>
    </>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="stat" title={hint}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** RMS as dBFS, which people read more easily than a raw amplitude. */
function loudnessText(rms: number): string {
  return rms > 0 ? `${(20 * Math.log10(rms)).toFixed(1)} dBFS` : 'silent';
}

function FileFacts({ detail }: { detail: TrackDetail }) {
  const facts = [
    formatDuration(detail.durationSec),
    detail.bitrate ? `${Math.round(detail.bitrate / 1000)} kbps` : null,
    detail.sampleRate ? `${(detail.sampleRate / 1000).toFixed(1)} kHz` : null,
  ].filter(Boolean);
  return (
    <p className="file-facts" title={detail.path}>
      <span className="file-facts__path">{detail.path}</span>
      {facts.length > 0 && <span>{facts.join(' · ')}</span>}
    </p>
  );
}
